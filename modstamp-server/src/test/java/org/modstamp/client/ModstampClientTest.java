package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;

/** The client against this project's real server on loopback. */
class ModstampClientTest {
    private static final ClientConfig FAST = ClientConfig.defaults()
            .withRequestTimeout(Duration.ofMillis(500))
            .withQueryInterval(Duration.ofMillis(200), Duration.ofMillis(20));
    /** How long a listen may take to have the first Reply of each id. */
    private static final Duration READY = Duration.ofSeconds(3);

    private ModstampServer server;
    private InetSocketAddress address;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)),
                new MemoryValueStore());
        address = new InetSocketAddress("127.0.0.1", server.port());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        server.close();
    }

    private ModstampClient client(InetSocketAddress to, ClientConfig config) throws Exception {
        ModstampClient client = ModstampClient.open(to, config);
        toClose.add(client);
        return client;
    }

    /** A handler that queues "id=value" lines. */
    private static final class Changes implements ChangeHandler {
        final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        final CountDownLatch silence = new CountDownLatch(1);

        @Override
        public void onChange(String id, String value) {
            seen.add(id + "=" + value);
        }

        @Override
        public void onNoResponse(Duration silent) {
            silence.countDown();
        }

        String next() throws InterruptedException {
            return seen.poll(3, TimeUnit.SECONDS);
        }
    }

    @Test
    void pushGetAndListen() throws Exception {
        ModstampClient producer = client(address, FAST);
        ModstampClient listener = client(address, FAST);
        Map<String, String> changes = new LinkedHashMap<>();
        changes.put("a", "1");
        changes.put("b", "zwei \u00fc");
        assertEquals(changes, producer.push(changes));
        Map<String, String> expected = new HashMap<>(changes);
        expected.put("c", null);
        assertEquals(expected, listener.get(List.of("a", "b", "c")));

        Changes handler = new Changes();
        assertTrue(listener.listen(Map.of("a", "1"), handler).awaitReady(READY), "registered");
        for (int i = 2; i <= 20; i++) {
            producer.push(Map.of("a", String.valueOf(i)));
            assertEquals("a=" + i, handler.next(), "every change made while listening is seen");
        }
        producer.push(Collections.singletonMap("a", null));
        assertEquals("a=null", handler.next(), "a deletion arrives as null");
    }

    @Test
    void unknownStartValueIsLearnedSilentlyThenChangesAreDelivered() throws Exception {
        ModstampClient producer = client(address, FAST);
        producer.push(Map.of("x", "first"));
        Changes handler = new Changes();
        Listening listening = client(address, FAST).listen(Collections.singletonMap("x", null), handler);
        assertEquals(null, handler.seen.poll(300, TimeUnit.MILLISECONDS), "the first value is learned silently");
        producer.push(Map.of("x", "second"));
        assertEquals("x=second", handler.next());
        producer.push(Map.of("y", "old"));
        listening.add("y", "old");
        assertTrue(listening.awaitReady(READY), "y registered too");
        producer.push(Map.of("y", "new"));
        assertEquals("y=new", handler.next());
        listening.remove("x");
        producer.push(Map.of("x", "third"));
        assertEquals(null, handler.seen.poll(400, TimeUnit.MILLISECONDS), "a removed id is not delivered");
    }

    @Test
    void aListenStartedFromWhatAnEndedOneKnewReportsTheChangesMadeInBetween() throws Exception {
        ModstampClient producer = client(address, FAST);
        producer.push(Map.of("kept", "1", "moved", "1"));
        Changes first = new Changes();
        Map<String, String> unknown = new HashMap<>();
        unknown.put("kept", null);
        unknown.put("moved", null);
        unknown.put("empty", null);
        Listening listening = client(address, FAST).listen(unknown, first);
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (listening.lastKnown().containsValue(null) && System.nanoTime() < deadline) {
            Thread.sleep(5); // until its first answers: values learned silently
        }
        producer.push(Map.of("moved", "2"));
        assertEquals("moved=2", first.next());
        listening.close();
        Map<String, String> known = listening.lastKnown();
        assertEquals("1", known.get("kept"));
        assertEquals("2", known.get("moved"));
        assertEquals("", known.get("empty"), "an id without a value is known to have none");
        assertEquals(3, known.size());

        producer.push(Map.of("moved", "3", "empty", "now"));
        Changes second = new Changes();
        client(address, FAST).listen(known, second);
        assertEquals(java.util.Set.of("moved=3", "empty=now"), java.util.Set.of(second.next(), second.next()),
                "both changes made between the two listens are reported");
        assertEquals(null, second.seen.poll(300, TimeUnit.MILLISECONDS), "and nothing else");
    }

    @Test
    void listenerConvergesWhenEverySignalIsDropped() throws Exception {
        try (LossyProxy proxy = new LossyProxy(address, bytes -> bytes.length > 1 && bytes[1] == 'S')) {
            ModstampClient producer = client(address, FAST);
            producer.push(Map.of("lossy", "0"));
            Changes handler = new Changes();
            assertTrue(client(proxy.address(), FAST).listen(Map.of("lossy", "0"), handler).awaitReady(READY));
            for (int i = 1; i <= 5; i++) {
                producer.push(Map.of("lossy", String.valueOf(i)));
            }
            List<String> seen = new ArrayList<>();
            for (String change; (change = handler.next()) != null; ) {
                seen.add(change);
                if (change.equals("lossy=5")) {
                    break;
                }
            }
            assertTrue(proxy.dropped() > 0, "Signals were dropped");
            assertEquals("lossy=5", seen.isEmpty() ? null : seen.get(seen.size() - 1),
                    "converged on the latest value by the next query round: " + seen);
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsSent() throws Exception {
        ModstampClient client = client(address, FAST);
        var e = assertThrows(IllegalArgumentException.class, () -> client.push(Map.of("bad id", "1")));
        assertTrue(e.getMessage().contains("[0-9A-Za-z_.:-]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> client.push(Map.of("ok", "v".repeat(256))));
        assertTrue(e.getMessage().contains("at most 255 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> client.get(List.of("")));
        assertEquals(Map.of(), client.get(List.of()), "nothing asked, nothing sent");
    }

    @Test
    void unreachableServerGivesAClearTimeout() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress nowhere = (InetSocketAddress) silent.getLocalAddress();
            ModstampClient client = client(nowhere, FAST.withNoResponseTimeout(Duration.ofMillis(300)));
            var e = assertThrows(ModstampTimeoutException.class, () -> client.get(List.of("a")));
            assertTrue(e.getMessage().contains("no Reply from") && e.getMessage().contains("500 ms"), e.getMessage());
            assertEquals(Map.of(), client.push(Map.of("a", "1")), "nothing confirmed");
            Changes handler = new Changes();
            client.listen(Map.of("a", "1"), handler);
            assertTrue(handler.silence.await(3, TimeUnit.SECONDS), "silence is reported to the handler");
        }
    }

    @Test
    void clientSetConfirmsOnlyWhatEveryServerConfirmed() throws Exception {
        try (DatagramChannel down = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             ModstampClientSet set = ModstampClientSet.open(
                     List.of(address, (InetSocketAddress) down.getLocalAddress()), FAST)) {
            ModstampClientSet.Result result = set.push(Map.of("s", "1"));
            assertEquals(Map.of(), result.confirmedByAll());
            assertEquals(Map.of("s", "1"), result.perServer().get(address));
            assertEquals(Map.of(), result.perServer().get((InetSocketAddress) down.getLocalAddress()));
            assertFalse(result.allConfirmed(Map.of("s", "1")));
        }
        try (ModstampClientSet both = ModstampClientSet.open(List.of(address, address), FAST)) {
            assertTrue(both.push(Map.of("s", "2")).allConfirmed(Map.of("s", "2")));
        }
    }

    @Test
    void blockingCallsFromAHandlerAreRefusedInsteadOfDeadlocking() throws Exception {
        ModstampClient client = client(address, FAST);
        BlockingQueue<String> outcome = new LinkedBlockingQueue<>();
        client.push(Map.of("h", "1"));
        Listening listening = client.listen(Map.of("h", "1"), (id, value) -> {
            try {
                client.push(Map.of("echo", value));
                outcome.add("pushed");
            } catch (IllegalStateException e) {
                outcome.add(e.getMessage());
            }
        });
        assertTrue(listening.awaitReady(READY));
        client.pushAsync(Map.of("h", "2"));
        String got = outcome.poll(3, TimeUnit.SECONDS);
        assertTrue(got != null && got.contains("use pushAsync there"), String.valueOf(got));
        assertEquals(Map.of("h", "3"), client.push(Map.of("h", "3")), "the client still works");
    }

    @Test
    void closeStopsTheLoopAndFreesTheSocket() throws Exception {
        ModstampClient client = ModstampClient.open(address, FAST);
        client.listen(Map.of("a", "1"), (id, value) -> { });
        InetSocketAddress local = client.localAddress();
        client.close();
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("modstamp-client-") && t.isAlive()), "no client thread left");
        try (DatagramChannel again = DatagramChannel.open().bind(local)) {
            assertEquals(local.getPort(), ((InetSocketAddress) again.getLocalAddress()).getPort());
        }
        assertThrows(IllegalStateException.class, () -> client.push(Map.of("a", "2")));
    }

    @Test
    void aListenIsReadyWhenTheServerAnsweredEveryIdAndFailsIfItsClientClosesFirst() throws Exception {
        Map<String, String> unknown = new HashMap<>();
        unknown.put("r1", null);
        unknown.put("r2", null);
        Listening listening = client(address, FAST).listen(unknown, (id, value) -> { });
        assertTrue(listening.awaitReady(READY));
        assertFalse(server.listeners("r1").isEmpty() || server.listeners("r2").isEmpty(), "both are registered");

        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            ModstampClient client = client((InetSocketAddress) silent.getLocalAddress(), FAST);
            Listening unanswered = client.listen(Map.of("a", "1"), (id, value) -> { });
            var ready = unanswered.ready().toCompletableFuture();
            assertFalse(unanswered.awaitReady(Duration.ofMillis(50)), "no Reply: the wait ends at its limit");
            client.close();
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> ready.get(3, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("closed"),
                    String.valueOf(e.getCause()));
        }
    }
}
