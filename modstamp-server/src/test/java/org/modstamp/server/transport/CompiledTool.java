package org.modstamp.server.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A test's helper program in C (src/test/c), compiled with gcc into target/. */
final class CompiledTool {
    private CompiledTool() {
    }

    /** Compiles src/test/c/{@code name}.c into target/{@code name}; fails the test with gcc's output if it cannot. */
    static Path build(String name) throws Exception {
        Path tool = Path.of("target", name);
        Process gcc = new ProcessBuilder("gcc", "-O1", "-o", tool.toString(), "src/test/c/" + name + ".c")
                .redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc failed: " + output);
        return tool;
    }
}
