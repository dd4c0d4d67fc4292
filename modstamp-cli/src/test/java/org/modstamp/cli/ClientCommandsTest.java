package org.modstamp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modstamp.client.ModstampClient;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;

/** {@code modstamp push|get|listen} against a real server on loopback. */
class ClientCommandsTest {
    private ModstampServer server;
    private String target;

    private final MemoryValueStore store = new MemoryValueStore();

    @BeforeEach
    void start() throws Exception {
        server = ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)), store);
        target = "127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ModstampCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** {@code watch} prints each change under its prefix with its revision, and resumes from the position it printed. */
    @Test
    void watchPrintsTheChangesUnderAPrefixAndResumesFromItsPosition() throws Exception {
        assertEquals(0, run("push", "--server", target, "a.1=x").exit());
        CompletableFuture<Run> watch = CompletableFuture.supplyAsync(
                () -> run("watch", "--server", target, "--count", "2", "a."));
        long registered = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.listeners("a.*").isEmpty() && System.nanoTime() < registered) { // the watch's registration
            Thread.onSpinWait();
        }
        assertEquals(0, run("push", "--server", target, "b.1=y", "a.2=z").exit());
        assertEquals(0, run("push", "--server", target, "a.1=").exit());
        Run watched = watch.get(10, TimeUnit.SECONDS);
        assertEquals(0, watched.exit(), watched.err());
        assertEquals("a.2\tz\t3\na.1\t\t4\n", watched.out());
        java.util.regex.Matcher at = java.util.regex.Pattern.compile("at (\\S+) ").matcher(watched.err());
        assertTrue(at.find(), watched.err());
        String position = at.group(1);
        assertTrue(position.startsWith(String.format("%016x:", store.position().epoch())), position);
        assertEquals(0, run("push", "--server", target, "a.3=w").exit());
        Run resumed = run("watch", "--server", target, "--count", "3", "--from", position, "a.");
        assertEquals("a.2\tz\t3\na.1\t\t4\na.3\tw\t5\n", resumed.out(),
                "what changed since the position (it moves on at the watch's keep-alive: a change may come again)");
        assertEquals("{\"id\":\"a.3\",\"value\":\"w\",\"revision\":5}\n", run("watch", "--server", target,
                "--count", "1", "--json", "--from", WatchCommand.format(new org.modstamp.wire.Watches.Position(
                        store.position().epoch(), 4)), "a.").out());
        Run reset = run("watch", "--server", target, "--count", "1", "--from", WatchCommand.format(
                new org.modstamp.wire.Watches.Position(store.position().epoch() + 1, 1)), "a.");
        assertTrue(reset.out().startsWith("*reset\t"), reset.out());
        Run bad = run("watch", "--server", target, "--from", "nonsense", "a.");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("EPOCH:REVISION"), bad.err());
    }

    @Test
    void pushThenGet() {
        assertEquals(0, run("push", "--server", target, "a=1", "b=two words").exit());
        Run get = run("get", "--server", target, "a", "b", "none");
        assertEquals(0, get.exit(), get.err());
        assertEquals("a\t1\nb\ttwo words\nnone\t\n", get.out());
        Run json = run("get", "--server", target, "--json", "b", "none");
        assertEquals("{\"id\":\"b\",\"value\":\"two words\"}\n{\"id\":\"none\",\"value\":null}\n", json.out());
        assertEquals(0, run("push", "--server", target, "a=").exit(), "ID= deletes");
        assertEquals("a\t\n", run("get", "--server", target, "a").out());
    }

    @Test
    void badInputAndUnconfirmedPushesSetTheExitCode() {
        Run bad = run("push", "--server", target, "bad id=1");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("[0-9A-Za-z_.:-]"), bad.err());
        assertEquals(2, run("push", "--server", target, "novalue").exit());
        Run tooLong = run("push", "--server", target, "x=" + "v".repeat(256));
        assertTrue(tooLong.exit() == 2 && tooLong.err().contains("at most 255 bytes"), tooLong.err());
        server.close();
        Run unconfirmed = run("push", "--server", target, "--timeout", "300", "a=1");
        assertEquals(1, unconfirmed.exit());
        assertTrue(unconfirmed.err().contains("not confirmed") && unconfirmed.err().contains("a"), unconfirmed.err());
        Run timeout = run("get", "--server", target, "--timeout", "300", "a");
        assertEquals(1, timeout.exit());
        assertTrue(timeout.err().contains("no Reply from"), timeout.err());
    }

    @Test
    void commandsTalkThroughTheEncryptedProfileWithAKeyFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        java.nio.file.Path keyFile = dir.resolve("ops.key");
        java.nio.file.Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(key));
        try (ModstampServer sealed = ModstampServer.start(ServerConfig.defaults()
                .withListen(new InetSocketAddress("127.0.0.1", 0))
                .withProfiles(new org.modstamp.security.SecurityProfiles(java.util.List.of(
                        org.modstamp.security.SecurityProfile.aead("ops", org.modstamp.security.Permission.DEFAULT, key),
                        org.modstamp.security.SecurityProfile.plain(org.modstamp.security.Permission.NONE)))),
                new MemoryValueStore())) {
            String at = "127.0.0.1:" + sealed.port();
            assertEquals(0, run("push", "--server", at, "--aead-id", "ops", "--aead-key-file", keyFile.toString(), "s=1").exit());
            assertEquals("s\t1\n", run("get", "--server", at, "--aead-id", "ops", "--aead-key-file", keyFile.toString(), "s").out());
            assertEquals(1, run("push", "--server", at, "--timeout", "300", "s=2").exit(), "plain is refused");
            Run half = run("get", "--server", at, "--aead-id", "ops", "s");
            assertEquals(2, half.exit());
            assertTrue(half.err().contains("--aead-id and --aead-key-file go together"), half.err());
        }
    }

    @Test
    void listenOnceReturnsAtTheFirstChangeNotAtTheNextQuery() throws Exception {
        try (ModstampClient producer = ModstampClient.open(target)) {
            producer.push(Map.of("job", "1"));
            CompletableFuture<Run> listen = CompletableFuture.supplyAsync(
                    () -> run("listen", "--server", target, "--once", "--interval", "60", "job"));
            Thread.sleep(500); // the listener has queried and learned "1"
            long pushed = System.nanoTime();
            producer.push(Map.of("job", "2"));
            Run result = listen.get(10, TimeUnit.SECONDS); // far below the 60 s query interval: the Signal did it
            System.out.printf("listen --once returned %.1f ms after the push began%n", (System.nanoTime() - pushed) / 1e6);
            assertEquals(0, result.exit(), result.err());
            assertEquals("job\t2\n", result.out());
        }
    }
}
