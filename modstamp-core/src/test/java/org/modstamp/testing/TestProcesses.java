package org.modstamp.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the private servers of the tests share: running a command, free ports, removing a directory. */
public final class TestProcesses {
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

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

    /**
     * A port nothing listens on now, never handed out before by this JVM: the kernel may give a port just
     * released to the next bind to port 0, and a test that takes several ports before starting its servers would
     * then give two servers the same one.
     */
    public static int freePort() throws IOException {
        while (true) {
            try (ServerSocket free = new ServerSocket(0)) {
                if (GIVEN.add(free.getLocalPort())) {
                    return free.getLocalPort();
                }
            }
        }
    }

    /** Whether nothing listens on TCP {@code port} of loopback now (for servers that take a range of ports). */
    public static boolean tcpPortFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes {@code dir} and all it holds, if it exists. */
    public static void remove(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
