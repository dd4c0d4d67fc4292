package org.modstamp.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The training run of the class-data-sharing archive that {@code ./modstamp} starts the JVM with. Run by the build
 * in a JVM given {@code -XX:ArchiveClassesAtExit=modstamp.jsa}: serves a SQLite file on a free loopback port in
 * this JVM, has it answer Queries and take changes for a few seconds through the client commands, then exits, and
 * the JVM writes every class it loaded, parsed and verified, into the archive. A server started with the archive
 * maps those classes instead of loading them from the jar, so it answers sooner after launch.
 */
public final class ArchiveTraining {
    private static final int QR_SECONDS = 2;

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("io.netty.jfr.enabled", "false"); // as ModstampCommand.main does
        Path dir = Files.createTempDirectory("modstamp-training");
        String server = "127.0.0.1:" + freeUdpPort();
        Thread serve = new Thread(() -> ModstampCommand.run("serve", "--db", dir.resolve("training.db").toString(),
                "--listen", server), "modstamp-training-server");
        serve.setDaemon(true);
        serve.start();
        PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream());
        int status = ModstampCommand.run(quiet, quiet, "get", "--server", server, "--timeout", "30000", "training");
        status |= ModstampCommand.run(quiet, quiet, "push", "--server", server, "training=1", "training.other=2");
        status |= ModstampCommand.run("bench", "qr", "--server", server, "--ports", "100", "--warmup", "0",
                "--seconds", String.valueOf(QR_SECONDS));
        System.out.println("modstamp archive training " + (status == 0 ? "done" : "failed: status " + status));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file); // the database and its journal: gone once the JVM closes them
            }
        }
        Files.deleteIfExists(dir);
        System.exit(status);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }
}
