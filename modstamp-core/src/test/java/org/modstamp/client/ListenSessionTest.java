package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modstamp.wire.Message;

/**
 * A listen driven by hand (its clock is the test's; commands run inline, as on the loop) against a server
 * played on loopback.
 */
class ListenSessionTest {
    private static final ClientConfig CONFIG = ClientConfig.defaults()
            .withResendTimeout(Duration.ofMillis(100)).withRequestTimeout(Duration.ofMillis(300))
            .withQueryInterval(Duration.ofSeconds(1), Duration.ZERO).withNoResponseTimeout(Duration.ofSeconds(2))
            .withAdaptiveKeepAlive(false); // the keep-alive's PROBE in each round: KeepAliveTest
    private static final long MS = 1_000_000;

    private PlayedServer server;
    private ClientChannel channel;
    /** What the handler was told, in order. */
    private final List<String> told = new ArrayList<>();
    private final ChangeHandler handler = new ChangeHandler() {
        @Override
        public void onChange(String id, String value) {
            throw new AssertionError("the three-argument form is called");
        }

        @Override
        public void onChange(String id, String previousValue, String value) {
            told.add(id + ":" + previousValue + "->" + value);
        }

        @Override
        public void onNoResponse(Duration silence) {
            told.add("silent " + silence.toMillis() + " ms");
        }

        @Override
        public void onResponseResumed() {
            told.add("resumed");
        }

        @Override
        public void onClosed() {
            told.add("closed");
        }
    };

    @BeforeEach
    void open() throws Exception {
        server = new PlayedServer(null);
        channel = ClientChannel.open(server.address(), CONFIG);
    }

    @AfterEach
    void close() {
        channel.close();
        server.close();
    }

    private ListenSession listen(Map<String, String> lastKnown, boolean deliverInitial) {
        return new ListenSession(channel, new KeepAlive(channel, () -> { }), Runnable::run, () -> { }, lastKnown,
                handler, deliverInitial, CONFIG.queryInterval());
    }

    private static Map<String, String> known(String... idValue) {
        Map<String, String> known = new LinkedHashMap<>();
        for (int i = 0; i < idValue.length; i += 2) {
            known.put(idValue[i], idValue[i + 1]);
        }
        return known;
    }

    @Test
    void reportsEveryChangeFromARepliesAndSignalsAndLearnsAnUnknownValueSilently() throws Exception {
        ListenSession listen = listen(known("a", "1", "b", null), false).started(0);
        listen.tick(0);
        PlayedServer.Request round = server.receive();
        assertEquals(List.of(Message.query("a"), Message.query("b")), round.messages());
        server.answer(round, Message.reply("a", "1".getBytes()), Message.reply("b", "x".getBytes()));
        PlayedServer.deliverNext(channel, listen);
        assertEquals(List.of(), told, "a unchanged, b learned silently");

        server.answer(round, Message.signal("a", "2".getBytes()));
        PlayedServer.deliverNext(channel, listen);
        server.answer(round, Message.signal("a", "2".getBytes()), Message.signal("b", new byte[0]));
        PlayedServer.deliverNext(channel, listen);
        assertEquals(List.of("a:1->2", "b:x->null"), told, "the repeated Signal is no change; a deletion is null");
        assertEquals(known("a", "2", "b", ""), listen.lastKnown());
    }

    @Test
    void withDeliverInitialTheFirstValueIsAChangeFromNull() throws Exception {
        ListenSession listen = listen(known("a", null), true).started(0);
        listen.tick(0);
        server.answer(server.receive(), Message.reply("a", "1".getBytes()));
        PlayedServer.deliverNext(channel, listen);
        assertEquals(List.of("a:null->1"), told);
    }

    @Test
    void resendsUnansweredQueriesWithinARoundAndQueriesEverythingEachInterval() throws Exception {
        ListenSession listen = listen(known("a", "1", "b", "2"), false).started(0);
        assertEquals(100 * MS, listen.tick(0), "the first resend");
        PlayedServer.Request round = server.receive();
        server.answer(round, Message.reply("a", "1".getBytes()));
        PlayedServer.deliverNext(channel, listen);

        assertEquals(200 * MS, listen.tick(100 * MS));
        assertEquals(List.of(Message.query("b")), server.receive().messages(), "only b is asked again");
        listen.tick(200 * MS);
        server.receive();
        assertEquals(1_000 * MS, listen.tick(300 * MS), "no resend after the round's request timeout");
        assertTrue(server.receiveWithin(50).isEmpty());

        assertEquals(1_100 * MS, listen.tick(1_000 * MS), "the keep-alive round (no jitter configured)");
        assertEquals(List.of(Message.query("b"), Message.query("a")), server.receive().messages(),
                "the keep-alive round asks every id");
    }

    @Test
    void reportsSilenceOnceAndItsEndWhenTheServerIsHeardAgain() throws Exception {
        ListenSession listen = listen(known("a", "1"), false).started(0);
        listen.tick(0);
        PlayedServer.Request round = server.receive();
        assertEquals(1_000 * MS, listen.tick(999 * MS));
        listen.tick(2_000 * MS);
        listen.tick(2_500 * MS);
        assertEquals(List.of("silent 2000 ms"), told);
        listen.heard(2_600 * MS);
        listen.heard(2_700 * MS);
        assertEquals(List.of("silent 2000 ms", "resumed"), told);
        assertTrue(round.messages().contains(Message.query("a")));
    }

    @Test
    void idsAddedAndRemovedWhileListening() throws Exception {
        ListenSession listen = listen(known("a", "1"), false).started(0);
        listen.tick(0);
        server.receive();
        listen.add("c", "old");
        PlayedServer.Request added = server.receive();
        assertEquals(List.of(Message.query("c")), added.messages(), "an added id is queried at once");
        server.answer(added, Message.reply("c", "new".getBytes()));
        PlayedServer.deliverNext(channel, listen);
        listen.remove("a");
        server.answer(added, Message.signal("a", "2".getBytes()), Message.signal("c", "newer".getBytes()));
        PlayedServer.deliverNext(channel, listen);
        assertEquals(List.of("c:old->new", "c:new->newer"), told, "nothing of a once removed");
        Map<String, String> expected = new HashMap<>(known("c", "newer"));
        assertEquals(expected, listen.lastKnown());
    }

    @Test
    void aClosedListenIsOverAndTheEndOfTheClientIsToldOnlyToARunningOne() throws Exception {
        ListenSession closed = listen(known("a", "1"), false).started(0);
        closed.close();
        assertEquals(Exchange.DONE, closed.tick(0));
        closed.ended();
        assertEquals(List.of(), told);
        listen(known("a", "1"), false).started(0).ended();
        assertEquals(List.of("closed"), told);
    }

    @Test
    void readyOnceEveryIdHadItsFirstReplyAndAgainForAnIdAddedLater() throws Exception {
        ListenSession listen = listen(known("a", "1", "b", null), false).started(0);
        listen.tick(0);
        PlayedServer.Request round = server.receive();
        server.answer(round, Message.signal("a", "2".getBytes()), Message.reply("a", "2".getBytes()));
        PlayedServer.deliverNext(channel, listen);
        assertFalse(listen.ready().toCompletableFuture().isDone(), "b has had no Reply, and a Signal is none");
        server.answer(round, Message.reply("b", "x".getBytes()));
        PlayedServer.deliverNext(channel, listen);
        assertTrue(listen.awaitReady(Duration.ZERO));

        listen.add("c", null);
        CompletableFuture<Void> forC = listen.ready().toCompletableFuture();
        assertFalse(forC.isDone(), "c was added: it waits for c");
        listen.remove("c");
        assertTrue(forC.isDone(), "nothing left to wait for");
    }

    @Test
    void readyFailsWhenTheListenEndsFirst() throws Exception {
        ListenSession listen = listen(known("a", "1"), false).started(0);
        CompletionStage<Void> ready = listen.ready();
        listen.close();
        var e = assertThrows(IllegalStateException.class, () -> listen.awaitReady(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertTrue(ready.toCompletableFuture().isCompletedExceptionally());
        ListenSession unanswered = listen(known("a", "1"), false).started(0);
        assertFalse(unanswered.awaitReady(Duration.ofMillis(10)), "no Reply yet: the wait ends at its limit");
    }
}
