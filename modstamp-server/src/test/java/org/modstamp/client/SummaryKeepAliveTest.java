package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageType;

/**
 * The summary keep-alive through a real server and a proxy that counts (and, when told, drops Signals): a listen
 * of 10,000 ids keeps them alive with one KEEP each way per round; a Signal it missed, and a server that restarted
 * without its sets, make the next KEEP disagree, and the listen queries every id again, so nothing is missed.
 */
class SummaryKeepAliveTest {
    private static final int IDS = 10_000;
    private static final ClientConfig CONFIG = ClientConfig.defaults().withAdaptiveKeepAlive(false)
            .withQueryInterval(Duration.ofSeconds(1), Duration.ZERO);

    private final AtomicLong clientBytes = new AtomicLong();
    private final AtomicLong clientDatagrams = new AtomicLong();
    private final AtomicLong serverBytes = new AtomicLong();
    private final AtomicLong serverDatagrams = new AtomicLong();
    private final AtomicBoolean dropSignals = new AtomicBoolean();
    /** The four counters (out bytes, out datagrams, back bytes, back datagrams) as each KEPT passed back. */
    private final List<long[]> atEachKept = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

    private static Map<String, String> ids() {
        Map<String, String> ids = new LinkedHashMap<>();
        for (int i = 0; i < IDS; i++) {
            ids.put("jpa.Order." + (1_000_000 + i), null);
        }
        return ids;
    }

    private LossyProxy proxy(InetSocketAddress server) throws Exception {
        return new LossyProxy(server, d -> {
            serverBytes.addAndGet(d.length);
            serverDatagrams.incrementAndGet();
            if (firstType(d) == MessageType.KEPT) {
                atEachKept.add(new long[] {clientBytes.get(), clientDatagrams.get(), serverBytes.get(),
                        serverDatagrams.get()});
            }
            return dropSignals.get() && isSignal(d);
        }, d -> {
            clientBytes.addAndGet(d.length);
            clientDatagrams.incrementAndGet();
            return false;
        });
    }

    private static MessageType firstType(byte[] datagram) {
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        DatagramHeader.read(buffer);
        return MessageDecoder.decode(buffer).filter(m -> !m.isEmpty()).map(m -> m.get(0).type()).orElse(null);
    }

    private static boolean isSignal(byte[] datagram) {
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        DatagramHeader.read(buffer);
        return MessageDecoder.decode(buffer).map(m -> m.stream().anyMatch(x -> x.type() == MessageType.SIGNAL))
                .orElse(false);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 20 s for " + what);
            LockSupport.parkNanos(5_000_000);
        }
    }

    private static ModstampServer server(int port) throws Exception {
        return ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", port)),
                new MemoryValueStore());
    }

    private static int listeners(ModstampServer server, String id) {
        try {
            return server.listeners(id, 0, 1).total();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Listening listen(ModstampClient client) throws InterruptedException {
        Listening listening = client.listen(ids(), (id, value) -> heard.add(id + "=" + value));
        assertTrue(listening.awaitReady(Duration.ofSeconds(20)));
        return listening;
    }

    @Test
    void aListenOfTenThousandIdsKeepsThemAliveWithOneShortDatagramEachWay() throws Exception {
        try (ModstampServer server = server(0); LossyProxy proxy = proxy(new InetSocketAddress("127.0.0.1", server.port()));
             ModstampClient client = ModstampClient.open(proxy.address(), CONFIG)) {
            listen(client);
            long firstRoundOut = clientBytes.get();
            long firstRoundBack = serverBytes.get();
            await(() -> server.stats().keepsRenewed() > 0, "a first renewed set");
            long queries = server.stats().snapshot().queries();
            int kept = atEachKept.size();
            await(() -> atEachKept.size() >= kept + 2, "two more rounds answered"); // a whole round between them
            long[] before = atEachKept.get(kept);
            long[] after = atEachKept.get(kept + 1);
            long out = after[0] - before[0];
            long back = after[2] - before[2];
            System.out.printf("summary keep-alive of %,d ids: first round %,d bytes out, %,d back; "
                            + "each round after it %d bytes in %d datagram(s) out, %d bytes in %d datagram(s) back%n",
                    IDS, firstRoundOut, firstRoundBack, out, after[1] - before[1], back, after[3] - before[3]);
            assertEquals(1, after[1] - before[1], "one datagram out");
            assertEquals(1, after[3] - before[3], "one datagram back");
            assertTrue(out < 64 && back < 64, out + " bytes out, " + back + " back");
            assertEquals(queries, server.stats().snapshot().queries(), "no id was queried again");
        }
    }

    @Test
    void aSignalTheListenMissedMakesTheNextKeepDisagreeAndTheListenQueriesItsIdsAgain() throws Exception {
        try (ModstampServer server = server(0); LossyProxy proxy = proxy(new InetSocketAddress("127.0.0.1", server.port()));
             ModstampClient client = ModstampClient.open(proxy.address(), CONFIG)) {
            listen(client);
            await(() -> server.stats().keepsRenewed() > 0, "a renewed set");
            long queries = server.stats().snapshot().queries();
            dropSignals.set(true); // from now on: only a Reply can tell the change
            server.set("jpa.Order.1000005", "changed".getBytes(StandardCharsets.UTF_8));
            assertEquals("jpa.Order.1000005=changed", heard.poll(20, TimeUnit.SECONDS), "told at the next round");
            assertTrue(server.stats().keeps() > server.stats().keepsRenewed(), "a KEEP disagreed");
            await(() -> server.stats().snapshot().queries() >= queries + IDS, "every id queried once more");
        }
    }

    @Test
    void aServerThatRestartedWithoutTheSetIsToldEveryIdAgain() throws Exception {
        int port;
        try (ModstampServer first = server(0)) {
            port = first.port();
        }
        ModstampServer server = server(port);
        try (LossyProxy proxy = proxy(new InetSocketAddress("127.0.0.1", port));
             ModstampClient client = ModstampClient.open(proxy.address(), CONFIG)) {
            listen(client);
            ModstampServer before = server;
            await(() -> before.stats().keepsRenewed() > 0, "a renewed set");
            server.close();
            server = server(port);
            ModstampServer restarted = server;
            await(() -> restarted.stats().snapshot().queries() >= IDS, "every id queried again");
            await(() -> listeners(restarted, "jpa.Order.1009999") == 1, "the last id registered");
            restarted.set("jpa.Order.1009999", "after".getBytes(StandardCharsets.UTF_8));
            assertEquals("jpa.Order.1009999=after", heard.poll(20, TimeUnit.SECONDS));
        } finally {
            server.close();
        }
    }
}
