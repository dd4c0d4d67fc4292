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
import org.modstamp.wire.MessageType;
import org.modstamp.wire.Summaries;

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

    /** The Queries of a request, without the KEEPs that join them to the listen's set (see the summary tests). */
    private static List<Message> queries(PlayedServer.Request request) {
        return request.messages().stream().filter(m -> m.type() != MessageType.KEEP).toList();
    }

    /** The KEEP that leads a datagram of Queries, or is a keep-alive round on its own. */
    private static Summaries.Keep keepOf(PlayedServer.Request request) {
        Message first = request.messages().get(0);
        assertEquals(MessageType.KEEP, first.type(), "a KEEP leads " + request.messages());
        return Summaries.read(first).orElseThrow();
    }

    private static Message joined(Summaries.Keep join, int count) {
        return Summaries.kept(join.set(), Summaries.JOINED, new Summaries.Summary(join.summary().generation(), count, 0));
    }

    private static long digest(String... idValue) {
        long sum = 0;
        for (int i = 0; i < idValue.length; i += 2) {
            sum += Summaries.hash(idValue[i], idValue[i + 1].getBytes());
        }
        return sum;
    }

    @Test
    void onceTheServerHoldsTheSetAKeepAliveRoundIsOneKeepOfItsSummary() throws Exception {
        ListenSession listen = listen(known("a", "1", "b", null), false).started(0);
        listen.tick(0);
        PlayedServer.Request round = server.receive();
        Summaries.Keep join = keepOf(round);
        assertTrue(join.has(Summaries.JOIN), "the round's Queries join the set");
        assertEquals(1, join.summary().generation());
        server.answer(round, Message.reply("a", "1".getBytes()), Message.reply("b", "x".getBytes()), joined(join, 2));
        PlayedServer.deliverNext(channel, listen);

        listen.tick(1_000 * MS);
        PlayedServer.Request keepAlive = server.receive();
        assertEquals(1, keepAlive.messages().size(), "one message: " + keepAlive.messages());
        Summaries.Keep keep = keepOf(keepAlive);
        assertFalse(keep.has(Summaries.JOIN));
        assertEquals(new Summaries.Summary(1, 2, digest("a", "1", "b", "x")), keep.summary());
        server.answer(keepAlive, Summaries.kept(join.set(), Summaries.RENEWED, keep.summary()));
        PlayedServer.deliverNext(channel, listen);
        assertEquals(2_000 * MS, listen.tick(1_100 * MS), "renewed: nothing until the next round");
        assertTrue(server.receiveWithin(50).isEmpty());

        server.answer(keepAlive, Message.signal("a", "2".getBytes()));
        PlayedServer.deliverNext(channel, listen);
        listen.tick(2_000 * MS);
        assertEquals(new Summaries.Summary(1, 2, digest("a", "2", "b", "x")), keepOf(server.receive()).summary(),
                "the digest follows the values heard");
    }

    /** A listen of a=1 whose first round the server answered, joining a to its set: its next round is a KEEP. */
    private ListenSession listenOfAWhoseSetTheServerHolds() throws Exception {
        ListenSession listen = listen(known("a", "1"), false).started(0);
        listen.tick(0);
        PlayedServer.Request round = server.receive();
        server.answer(round, Message.reply("a", "1".getBytes()), joined(keepOf(round), 1));
        PlayedServer.deliverNext(channel, listen);
        return listen;
    }

    @Test
    void aSummaryTheServerDoesNotShareOrAKeepUnansweredMakesTheListenQueryEveryIdAsANewGeneration() throws Exception {
        ListenSession listen = listenOfAWhoseSetTheServerHolds();
        listen.tick(1_000 * MS);
        PlayedServer.Request keepAlive = server.receive();
        Summaries.Keep keep = keepOf(keepAlive);
        server.answer(keepAlive, Summaries.kept(keep.set(), 0, new Summaries.Summary(0, 0, 0))); // no such set here
        PlayedServer.deliverNext(channel, listen);
        listen.tick(1_010 * MS);
        PlayedServer.Request again = server.receive();
        assertEquals(List.of(Message.query("a")), queries(again), "every id, at once");
        assertEquals(2, keepOf(again).summary().generation(), "a new generation of the set");
        server.answer(again, Message.reply("a", "1".getBytes()), joined(keepOf(again), 1));
        PlayedServer.deliverNext(channel, listen);

        listen.tick(2_010 * MS);
        assertEquals(1, server.receive().messages().size(), "a KEEP again");
        listen.tick(2_110 * MS);
        assertEquals(1, server.receive().messages().size(), "the unanswered KEEP is resent");
        listen.tick(2_310 * MS);
        PlayedServer.Request afterSilence = server.receive();
        assertEquals(List.of(Message.query("a")), queries(afterSilence), "no answer within the request timeout");
        assertEquals(3, keepOf(afterSilence).summary().generation());
    }

    @Test
    void aMappingChangeSeenWhileAKeepIsPendingStillQueriesEveryIdAtOnce() throws Exception {
        ListenSession listen = listenOfAWhoseSetTheServerHolds();
        listen.tick(1_000 * MS);
        PlayedServer.Request keepAlive = server.receive();
        listen.queryNow(); // the keep-alive saw the server see the socket elsewhere
        server.answer(keepAlive, Summaries.kept(keepOf(keepAlive).set(), Summaries.RENEWED, keepOf(keepAlive).summary()));
        PlayedServer.deliverNext(channel, listen);
        listen.tick(1_010 * MS);
        assertEquals(List.of(Message.query("a")), queries(server.receive()), "the new mapping is registered at once");
    }

    @Test
    void aServerWithoutSetsIsSentNoKeepAfterThreeAnsweredRounds() throws Exception {
        ListenSession listen = listen(known("a", "1"), false).started(0);
        for (int round = 0; round < 4; round++) {
            listen.tick(round * 1_000 * MS);
            PlayedServer.Request request = server.receive();
            assertEquals(round < ListenSummary.ROUNDS_BEFORE_GIVING_UP, request.messages().get(0).type() == MessageType.KEEP,
                    "round " + round + ": " + request.messages());
            server.answer(request, Message.reply("a", "1".getBytes())); // no KEPT: the server skipped the KEEP
            PlayedServer.deliverNext(channel, listen);
        }
    }

    @Test
    void reportsEveryChangeFromARepliesAndSignalsAndLearnsAnUnknownValueSilently() throws Exception {
        ListenSession listen = listen(known("a", "1", "b", null), false).started(0);
        listen.tick(0);
        PlayedServer.Request round = server.receive();
        assertEquals(List.of(Message.query("a"), Message.query("b")), queries(round));
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
        assertEquals(List.of(Message.query("b")), queries(server.receive()), "only b is asked again");
        listen.tick(200 * MS);
        server.receive();
        assertEquals(1_000 * MS, listen.tick(300 * MS), "no resend after the round's request timeout");
        assertTrue(server.receiveWithin(50).isEmpty());

        assertEquals(1_100 * MS, listen.tick(1_000 * MS), "the keep-alive round (no jitter configured)");
        assertEquals(List.of(Message.query("b"), Message.query("a")), queries(server.receive()),
                "the keep-alive round asks every id (a server without sets is asked every id each round)");
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
        assertEquals(List.of(Message.query("c")), queries(added), "an added id is queried at once");
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
