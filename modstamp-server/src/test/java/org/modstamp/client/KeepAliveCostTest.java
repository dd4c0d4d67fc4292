package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Watches.Position;

/**
 * What one keep-alive round costs on the wire, each way, for a client of 10,000 ids: a listen that names them all
 * (a Query each, a Reply each), and a watch of their prefix (one WATCH, one WATCHED). Counted by a proxy that
 * drops nothing; printed, and the watch's asserted to be one datagram each way.
 */
class KeepAliveCostTest {
    private static final int IDS = 10_000;

    /** Bytes and datagrams through a proxy, each way, until the client's first round was answered. */
    private record Round(long clientBytes, long clientDatagrams, long serverBytes, long serverDatagrams) {
        @Override
        public String toString() {
            return String.format("%,d bytes in %d datagrams to the server, %,d bytes in %d datagrams back",
                    clientBytes, clientDatagrams, serverBytes, serverDatagrams);
        }
    }

    private interface Start {
        void start(ModstampClient client) throws Exception;
    }

    private static Round round(InetSocketAddress server, Start start) throws Exception {
        AtomicLong clientBytes = new AtomicLong();
        AtomicLong clientDatagrams = new AtomicLong();
        AtomicLong serverBytes = new AtomicLong();
        AtomicLong serverDatagrams = new AtomicLong();
        ClientConfig config = ClientConfig.defaults().withAdaptiveKeepAlive(false); // the rounds alone, no probes
        try (LossyProxy proxy = new LossyProxy(server, d -> {
            serverBytes.addAndGet(d.length);
            serverDatagrams.incrementAndGet();
            return false;
        }, d -> {
            clientBytes.addAndGet(d.length);
            clientDatagrams.incrementAndGet();
            return false;
        }); ModstampClient client = ModstampClient.open(proxy.address(), config)) {
            start.start(client); // returns once every first answer came: the round is complete
            return new Round(clientBytes.get(), clientDatagrams.get(), serverBytes.get(), serverDatagrams.get());
        }
    }

    @Test
    void aWatchKeepsTenThousandIdsAliveWithOneShortDatagramEachWay() throws Exception {
        try (ModstampServer server = ModstampServer.start(ServerConfig.defaults()
                .withListen(new InetSocketAddress("127.0.0.1", 0)), new MemoryValueStore())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            Map<String, String> ids = new LinkedHashMap<>();
            for (int i = 0; i < IDS; i++) {
                ids.put("jpa.Order." + (1_000_000 + i), null);
            }
            Round listen = round(address, client -> assertTrue(client.listen(ids, (id, value) -> { })
                    .awaitReady(Duration.ofSeconds(20))));
            Round watch = round(address, client -> assertTrue(client.watch("jpa.Order.", Position.NOW,
                    new WatchHandler() {
                        @Override
                        public void onChange(String id, String value, long revision) {
                        }

                        @Override
                        public void onReset(Position now) {
                        }
                    }).awaitReady(Duration.ofSeconds(5))));
            System.out.printf("keep-alive round for %,d ids: a listen naming them, %s; a watch of their prefix, %s%n",
                    IDS, listen, watch);
            assertEquals(1, watch.clientDatagrams(), watch.toString());
            assertEquals(1, watch.serverDatagrams(), watch.toString());
            assertTrue(watch.clientBytes() < 64 && watch.serverBytes() < 64, watch.toString());
            assertTrue(listen.clientDatagrams() > 100, "the listen names every id: " + listen);
        }
    }

    /**
     * A watcher 10,000 changes (of 10,000 ids) behind catches up all of them, in rounds of one WATCH each (MORE asks
     * again at once), each answer within the reply budget of an unauthenticated sender: printed with its time.
     */
    @Test
    void aWatcherTenThousandChangesBehindCatchesUpEveryOne() throws Exception {
        try (ModstampServer server = ModstampServer.start(ServerConfig.defaults()
                .withListen(new InetSocketAddress("127.0.0.1", 0)), new MemoryValueStore())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            Position behind = server.position();
            try (ModstampClient producer = ModstampClient.open(address, ClientConfig.defaults())) {
                for (int batch = 0; batch < IDS / 100; batch++) {
                    Map<String, String> changes = new LinkedHashMap<>();
                    for (int i = 0; i < 100; i++) {
                        changes.put("jpa.Order." + (1_000_000 + batch * 100 + i), "v1");
                    }
                    producer.push(changes);
                }
            }
            java.util.Set<String> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
            long[] took = new long[1];
            Round catchUp = round(address, client -> {
                long start = System.nanoTime();
                client.watch("jpa.Order.", behind, new WatchHandler() {
                    @Override
                    public void onChange(String id, String value, long revision) {
                        heard.add(id);
                    }

                    @Override
                    public void onReset(Position now) {
                        throw new AssertionError("no reset: the log holds every change");
                    }
                });
                long deadline = start + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                while (heard.size() < IDS && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
                took[0] = System.nanoTime() - start;
            });
            System.out.printf("catch-up of a watcher %,d changes behind: %.0f ms, %s%n", IDS, took[0] / 1e6, catchUp);
            assertEquals(IDS, heard.size(), "every change told");
        }
    }
}
