package org.modstamp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.server.store.JdbcValueStore;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/** What an operator sees and does through ModstampServer, against real UDP listeners. */
class OperatorApiTest {
    /**
     * The counts the API and the status page show are the registrations held, read in O(1) on the engine thread
     * (never a walk over the listeners): live ones, and those that expired since the last sweep.
     */
    @Test
    void listenerCountsAreTheRegistrationsHeldWithoutWalkingTheListeners() throws Exception {
        MutableClock clock = new MutableClock();
        try (ModstampServer server = ModstampServer.start(ServerConfig.defaults().withClock(clock)
                .withListen(new InetSocketAddress("127.0.0.1", 0)), new MemoryValueStore());
             UdpPeers peers = new UdpPeers().add("A", "127.0.0.1").add("B", "127.0.0.1").add("C", "127.0.0.1")) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", server.port());
            for (String peer : List.of("A", "B", "C")) {
                peers.send(peer, MessageEncoder.plainDatagram(Message.query("counted")), to);
            }
            assertEquals(3, peers.collect(3, 2000, 0).size());
            server.set("counted", "1".getBytes());
            peers.collect(3, 2000, 0);
            clock.advance(ServerConfig.defaults().listenerTtl().plusSeconds(1));
            assertEquals(3, server.entry("counted").orElseThrow().listeners(), "held until the sweep");
            assertEquals(3, server.entries(0, 10).get(0).listeners());
            assertEquals(3, server.listeners("counted", 0, 10).total());
            assertEquals(List.of(), server.listeners("counted"), "expired: no Signal goes to them");
        }
    }

    @Test
    void anOperatorChangeSignalsListenersLikeAUdpChange() throws Exception {
        try (ModstampServer server = ModstampServer.start(
                ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)), new MemoryValueStore());
             UdpPeers peers = new UdpPeers().add("L", "127.0.0.1")) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", server.port());
            peers.send("L", MessageEncoder.plainDatagram(Message.query("op")), to);
            assertEquals(1, peers.collect(1, 2000, 0).size());

            server.set("op", "v1".getBytes());
            String signal = HexFormat.of().formatHex(MessageEncoder.plainDatagram(Message.signal("op", "v1".getBytes())));
            assertEquals(List.of("L: " + signal), peers.collect(1, 2000, 50));

            List<ModstampServer.Entry> entries = server.entries(0, 10);
            assertEquals(1, entries.size());
            assertEquals("op", entries.get(0).id());
            assertArrayEquals("v1".getBytes(), entries.get(0).value());
            assertEquals(1, entries.get(0).listeners());
            assertEquals(List.of(), server.entries(2147483000, 1000), "a page past the end, without overflow");
            assertEquals(1, server.entries(0, Integer.MAX_VALUE).size(), "offset + limit past Integer.MAX_VALUE");
            assertEquals(List.of(peers.address("L")), server.listeners("op"));
            assertEquals(new ModstampServer.ListenerPage(1, List.of(peers.address("L"))), server.listeners("op", 0, 10));
            assertEquals(new ModstampServer.ListenerPage(1, List.of()), server.listeners("op", Integer.MAX_VALUE, 1000));
            assertEquals(1, server.stats().snapshot().signals());
            assertTrue(server.stats().snapshot().queries() >= 1);

            server.set("op", new byte[0]);
            assertEquals(1, peers.collect(1, 2000, 50).size(), "the deletion is signalled too");
            assertEquals(0, server.size());
            assertTrue(server.entry("op").isPresent(), "still listened to");
            assertTrue(server.entry("nobody").isEmpty());
        }
    }

    @Test
    void concurrentSetsEachReportTheOutcomeOfTheirOwnBatch(@TempDir Path dir) throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:" + dir.resolve("values") + ";LOCK_TIMEOUT=2000");
        try (ModstampServer server = ModstampServer.start(
                ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)), JdbcValueStore.open(h2, "h2"));
             Connection admin = h2.getConnection()) {
            // another transaction holds the row of "locked": a batch that writes it waits, then fails
            admin.setAutoCommit(false);
            admin.createStatement().executeUpdate("INSERT INTO modstamps VALUES ('locked', X'01')");
            CompletableFuture<Void> locked = CompletableFuture.runAsync(() -> {
                try {
                    server.set("locked", "v".getBytes());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (waitingMerges(admin) == 0) {
                assertTrue(System.nanoTime() < deadline, "the batch of \"locked\" never waited for its row");
                Thread.sleep(10);
            }
            server.set("free", "v".getBytes()); // its batch comes after the failing one, and is durable
            assertArrayEquals("v".getBytes(), server.entry("free").orElseThrow().value());

            ExecutionException failed = assertThrows(ExecutionException.class, () -> locked.get(10, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getCause() instanceof IOException, String.valueOf(failed.getCause()));
            assertTrue(failed.getCause().getMessage().contains("change of locked"), failed.getCause().getMessage());
            assertEquals(1, server.stats().snapshot().storeFailures());
            admin.rollback();
        }
    }

    /** Sessions writing a value now: the store's, waiting for the row the admin holds. */
    private static int waitingMerges(Connection admin) throws Exception {
        try (ResultSet rows = admin.createStatement().executeQuery(
                "SELECT count(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE 'MERGE%'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
