package org.modstamp.containers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A container's command-line tool (asadmin, Liberty's server script), run to its end. */
public final class Command {
    private Command() {
    }

    /**
     * Runs {@code command} with these extra environment variables, its output in a file in {@code dir}, never
     * waiting for input; returns what it printed, and fails with it when it fails or outlasts {@code timeout}.
     */
    public static String run(Path dir, Duration timeout, Map<String, String> environment, List<String> command)
            throws Exception {
        Files.createDirectories(dir);
        Path output = Files.createTempFile(dir, "command", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String printed = Files.readString(output);
        if (!finished || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + (finished ? " failed" : " timed out") + ":\n"
                    + printed);
        }
        return printed;
    }
}
