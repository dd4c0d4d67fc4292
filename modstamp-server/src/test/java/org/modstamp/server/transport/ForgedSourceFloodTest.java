package org.modstamp.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.server.AbuseLimits;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.UdpPeers;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/**
 * A flood of Queries from more forged source networks than the abuse limits track (every address its own
 * network: {@code --ipv4-prefix 32}), put on the loopback interface through a raw socket
 * (src/test/c/flood-udp4.c, CAP_NET_RAW): meanwhile and after, a read-write producer gets every change
 * confirmed, a new reader gets its Replies, and what the server tracks stays bounded.
 */
class ForgedSourceFloodTest {
    /** Why a forging test fails without root: it is run, not skipped (CI runs as root). */
    static final String NEEDS_RAW = "forging source addresses needs root (CAP_NET_RAW): run the tests as root, as "
            + "run-tests does in CI, or leave these out with -Dtest='!ForgedSourceFloodTest,!MappedSourceTest': ";

    private static Path flooder;
    /** More networks than the reply credit table holds (250,000). */
    private static final int FORGED = 300_000;
    private static final int TABLE = 250_000;

    private ModstampServer server;

    @BeforeAll
    static void buildFlooder() throws Exception {
        flooder = CompiledTool.build("flood-udp4");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aProducerGetsEveryConfirmationAndANewReaderItsReplyWhileForgedNetworksFloodTheServer() throws Exception {
        server = ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0))
                .withLimits(AbuseLimits.defaults().withPrefixes(32, 64)), new MemoryValueStore());
        byte[] query = MessageEncoder.plainDatagram(Message.query("flood"));
        Process flood = new ProcessBuilder(List.of(flooder.toString(), Integer.toString(server.port()),
                Integer.toString(FORGED), "30000", HexFormat.of().formatHex(query))).redirectErrorStream(true).start();
        // a push not confirmed within 5 s returns without it (the tables are swept only every 60 s)
        try (ModstampClient producer = ModstampClient.open(new InetSocketAddress("127.0.0.1", server.port()),
                ClientConfig.defaults().withRequestTimeout(java.time.Duration.ofSeconds(5)))) {
            // once the flood filled the tables, and once it is over: every change confirmed;
            // the producer's first datagram comes after the tables are full
            awaitQueries(TABLE + 1_000, flood);
            for (int i = 0; i < 50; i++) {
                assertEquals(Map.of("orders", "during-" + i), producer.push(Map.of("orders", "during-" + i)), "confirmed");
            }
            String output = new String(flood.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(flood.waitFor(60, TimeUnit.SECONDS));
            assertTrue(flood.exitValue() != 3, NEEDS_RAW + output);
            assertEquals(0, flood.exitValue(), output);
            for (int i = 0; i < 50; i++) {
                assertEquals(Map.of("orders", "after-" + i), producer.push(Map.of("orders", "after-" + i)), "confirmed");
            }
            // the flood was queued before these changes: once they are confirmed, what reached the socket was handled
            // (a loopback flood loses some datagrams when the socket buffer is full: how many arrive is not fixed)
            long handled = server.stats().snapshot().queries();
            assertTrue(handled > TABLE, "the flood filled the tables: " + handled + " forged Queries handled");
        }
        try (UdpPeers reader = new UdpPeers().add("reader", "127.0.0.2")) {
            reader.send("reader", MessageEncoder.plainDatagram(Message.query("orders")),
                    new InetSocketAddress("127.0.0.1", server.port()));
            assertEquals(1, reader.collect(1, 3000, 0).size(), "a new reader is answered");
        }
        assertTrue(server.trackedNetworks() <= 2 * 250_000, "networks tracked: " + server.trackedNetworks());
        System.out.println("forged flood: " + server.stats().snapshot());
    }

    /** Waits (at most 60 s) until the server handled {@code count} Queries. */
    private void awaitQueries(long count, Process flood) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.stats().snapshot().queries() < count) {
            assertTrue(flood.isAlive() || flood.exitValue() != 3, NEEDS_RAW);
            assertTrue(System.nanoTime() < deadline, "the server handled only " + server.stats().snapshot().queries()
                    + " forged Queries");
            LockSupport.parkNanos(10_000_000);
        }
    }
}
