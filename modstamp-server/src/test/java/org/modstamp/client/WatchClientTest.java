package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.server.store.SqliteValueStore;
import org.modstamp.server.store.ValueStore;
import org.modstamp.wire.Watches.Position;

/**
 * The client's watch of a prefix against this project's real server on loopback: changes under the prefix told
 * with their revisions, a watch started again from its position told what it missed (or reset), and, through a
 * proxy that loses datagrams both ways, nothing lost.
 */
class WatchClientTest {
    private static final ClientConfig FAST = ClientConfig.defaults()
            .withRequestTimeout(Duration.ofMillis(500))
            .withQueryInterval(Duration.ofMillis(200), Duration.ofMillis(20));
    private static final Duration READY = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private InetSocketAddress start(ValueStore store) throws Exception {
        ModstampServer server = closing(ModstampServer.start(ServerConfig.defaults()
                .withListen(new InetSocketAddress("127.0.0.1", 0)), store));
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    /** What a handler was told: "id=value@revision", or "reset@revision". */
    private static final class Told implements WatchHandler {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void onChange(String id, String value, long revision) {
            events.add(id + "=" + value + "@" + revision);
        }

        @Override
        public void onReset(Position now) {
            events.add("reset@" + now.revision());
        }

        String next() throws InterruptedException {
            String event = events.poll(5, TimeUnit.SECONDS);
            assertTrue(event != null, "nothing told within 5 s");
            return event;
        }

        void nothingMore() throws InterruptedException {
            assertEquals(null, events.poll(400, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aWatchIsToldEveryChangeUnderItsPrefixAndCatchesUpWhatItMissedFromItsPosition() throws Exception {
        InetSocketAddress server = start(new MemoryValueStore());
        ModstampClient producer = closing(ModstampClient.open(server, FAST));
        producer.push(Map.of("jpa.Order.1", "a"));
        Told told = new Told();
        ModstampClient client = closing(ModstampClient.open(server, FAST));
        Watching watch = client.watch("jpa.Order.", Position.NOW, told);
        assertTrue(watch.awaitReady(READY));
        assertEquals(1, watch.position().revision(), "from now: the first change is behind it");
        producer.push(Map.of("jpa.Order.2", "b"));
        assertEquals("jpa.Order.2=b@2", told.next());
        producer.push(Map.of("jpa.Customer.1", "x"));
        producer.push(Map.of("jpa.Order.2", ""));
        assertEquals("jpa.Order.2=null@4", told.next(), "a deletion, and nothing of another prefix");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (watch.position().revision() < 4 && System.nanoTime() < deadline) { // a keep-alive round moves it on
            Thread.onSpinWait();
        }
        Position had = watch.position();
        assertEquals(4, had.revision());
        watch.close();

        producer.push(Map.of("jpa.Order.3", "c"));
        producer.push(Map.of("jpa.Order.3", "c2"));
        producer.push(Map.of("jpa.Order.1", "a2"));
        Told again = new Told();
        Watching resumed = client.watch("jpa.Order.", had, again);
        assertTrue(resumed.awaitReady(READY));
        // the Signals of the changes reach the socket too (it is still registered): some may come before the
        // catch-up, the intermediate c@5 among them; the latest of each id comes either way, and nothing twice
        List<String> heard = new ArrayList<>();
        while (!heard.containsAll(List.of("jpa.Order.3=c2@6", "jpa.Order.1=a2@7"))) {
            heard.add(again.next());
        }
        again.nothingMore();
        assertEquals(heard.size(), new java.util.HashSet<>(heard).size(), "each change once: " + heard);
        assertTrue(java.util.Set.of("jpa.Order.3=c@5", "jpa.Order.3=c2@6", "jpa.Order.1=a2@7").containsAll(heard),
                heard.toString());
        assertEquals(new Position(had.epoch(), 7), resumed.position());
    }

    @Test
    void aPositionTheServerCannotCatchUpFromIsReset() throws Exception {
        Path db = dir.resolve("values.db");
        Position had;
        ValueStore values = SqliteValueStore.open(db);
        try (ModstampServer first = ModstampServer.start(ServerConfig.defaults()
                .withListen(new InetSocketAddress("127.0.0.1", 0)), values);
             ModstampClient producer = ModstampClient.open(new InetSocketAddress("127.0.0.1", first.port()), FAST)) {
            had = new Position(values.position().epoch(), 0);
            producer.push(Map.of("a.1", "x"));
            producer.push(Map.of("a.1", "y"));
        }
        InetSocketAddress server = start(SqliteValueStore.open(db)); // restarted: its log starts at revision 2
        ModstampClient client = closing(ModstampClient.open(server, FAST));
        Told current = new Told();
        Watching fromHead = client.watch("a.", new Position(had.epoch(), 2), current);
        assertTrue(fromHead.awaitReady(READY));
        current.nothingMore();
        Told old = new Told();
        Watching fromBefore = client.watch("a.", had, old);
        assertEquals("reset@2", old.next(), "what changed before the restart is not kept");
        assertTrue(fromBefore.awaitReady(READY));
        Told foreign = new Told();
        client.watch("a.", new Position(had.epoch() + 1, 2), foreign);
        assertEquals("reset@2", foreign.next(), "a position of another store");
    }

    /** Through 20% loss each way: every id's last value is told (a lost CHANGED comes with the next catch-up). */
    @Test
    void throughALossyLinkNoChangeIsLost() throws Exception {
        InetSocketAddress server = start(new MemoryValueStore());
        watchThroughALossyLink(server, FAST, 40, false);
    }

    /**
     * A sealed watcher has no reply budget, so only the one-datagram rule keeps a lost datagram from moving it past
     * changes it did not get: blinded while 300 changes of 200 ids are made (catch-ups of many datagrams' worth),
     * then through 20% loss each way, it ends with every id's last value.
     */
    @Test
    void aSealedWatcherBlindedAndThenThroughALossyLinkCatchesUpEveryChange() throws Exception {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) 23);
        org.modstamp.security.SecurityProfile ops = org.modstamp.security.SecurityProfile.aead("ops",
                org.modstamp.security.Permission.DEFAULT, key);
        ModstampServer sealed = closing(ModstampServer.start(ServerConfig.defaults()
                .withListen(new InetSocketAddress("127.0.0.1", 0))
                .withProfiles(new org.modstamp.security.SecurityProfiles(List.of(ops))), new MemoryValueStore()));
        watchThroughALossyLink(new InetSocketAddress("127.0.0.1", sealed.port()), FAST.withProfile(ops), 200, true);
    }

    private void watchThroughALossyLink(InetSocketAddress server, ClientConfig config, int ids, boolean blindFirst)
            throws Exception {
        Random random = new Random(25);
        java.util.concurrent.atomic.AtomicBoolean blind = new java.util.concurrent.atomic.AtomicBoolean();
        LossyProxy proxy = closing(new LossyProxy(server, d -> blind.get() || random.nextInt(5) == 0,
                d -> random.nextInt(5) == 0));
        Map<String, String> latest = new HashMap<>();
        Map<String, String> heard = new java.util.concurrent.ConcurrentHashMap<>();
        ModstampClient client = closing(ModstampClient.open(proxy.address(), config.withSendRepeat(1)));
        Watching watch = client.watch("orders.", Position.NOW, new WatchHandler() {
            @Override
            public void onChange(String id, String value, long revision) {
                heard.put(id, value);
            }

            @Override
            public void onReset(Position now) {
                throw new AssertionError("no reset: the log holds every change");
            }
        });
        assertTrue(watch.awaitReady(READY));
        ModstampClient producer = closing(ModstampClient.open(server, config));
        blind.set(blindFirst);
        for (int i = 0; i < 300; i++) {
            String id = "orders." + (blindFirst ? i % ids : random.nextInt(ids));
            String value = "v" + i;
            producer.push(Map.of(id, value));
            latest.put(id, value);
        }
        blind.set(false);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!heard.equals(latest) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(new LinkedHashMap<>(latest), new LinkedHashMap<>(heard));
        assertTrue(proxy.dropped() > 0, "the proxy lost datagrams");
    }
}
