package org.modstamp.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the private database servers of the tests share: running a command, a free port, removing a directory. */
final class TestProcesses {
    private TestProcesses() {
    }

    /** Runs {@code command} to its end (at most 90 s); fails with its output, and {@code log}'s if it exists, when it fails. */
    static void run(List<String> command, Path log) throws Exception {
        Path out = Files.createTempFile("modstamp-test-command", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within 90 s");
            }
            if (process.exitValue() != 0) {
                String logged = log != null && Files.exists(log) ? Files.readString(log) : "";
                throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
                        + Files.readString(out) + logged);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** Removes {@code dir} and all it holds. */
    static void remove(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
