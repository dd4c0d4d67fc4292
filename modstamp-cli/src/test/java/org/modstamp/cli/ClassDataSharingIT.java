package org.modstamp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package's class-data-sharing archive (after {@code package}: the jar and the archive its training run made)
 * is one that {@code ./modstamp} starts the JVM with, and the server's classes come from it. {@code -Xshare:on}
 * makes the JVM refuse to start when the archive cannot be used (made for another jar or JDK).
 */
class ClassDataSharingIT {
    private static final Path TARGET = Path.of("target");

    @Test
    void theModstampScriptStartsTheJvmWithTheArchiveAndTheServersClassesComeFromIt(@TempDir Path dir) throws Exception {
        Path jar = TARGET.resolve("modstamp.jar");
        Path archive = TARGET.resolve("modstamp.jsa");
        assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0,
                "the archive is newer than the jar, so ./modstamp uses it");
        Path classes = dir.resolve("classes.log");
        ProcessBuilder script = new ProcessBuilder(Path.of("..", "modstamp").toString(), "serve", "--help")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
        script.environment().put("MODSTAMP_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + classes);
        Process process = script.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "modstamp serve --help ended");
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("out.txt")));
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains("org.modstamp.cli.ServeCommand source: shared objects file (top)"), loaded.lines()
                .filter(line -> line.contains("org.modstamp")).findFirst().orElse("no org.modstamp class loaded"));
    }
}
