package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modstamp.server.engine.Outgoing.messages;
import static org.modstamp.server.engine.Outgoing.to;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.modstamp.server.MutableClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;
import org.modstamp.wire.MessageType;
import org.modstamp.wire.Summaries;
import org.modstamp.wire.Summaries.Summary;

/**
 * The server's side of the summary keep-alive: the Queries after a JOIN make up a set of their endpoint, and one
 * KEEP whose summary agrees with the server's renews every registration of it; a summary that disagrees (another
 * value, another generation, another endpoint) renews nothing and is answered with the server's.
 */
class SummaryKeepAliveHandlerTest {
    private static final InetSocketAddress PRODUCER = new InetSocketAddress("127.0.0.1", 7000);
    private static final InetSocketAddress LISTENER = new InetSocketAddress("203.0.113.5", 40_000);
    private static final InetSocketAddress OTHER = new InetSocketAddress("203.0.113.6", 40_000);
    private static final int TTL = 300;

    private final MutableClock clock = new MutableClock();
    private final ServerStats stats = new ServerStats();
    private final DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withClock(clock),
            new MemoryValueStore(), new ListenerRegistry(TTL), stats);

    private List<Message> send(InetSocketAddress from, Message... messages) {
        return to(from, handler.handleOne(from, ByteBuffer.wrap(MessageEncoder.plainDatagram(messages))));
    }

    /** A change from the producer; returns what reached {@code listener}. */
    private List<Message> change(String id, String value, InetSocketAddress listener) {
        return to(listener, handler.handleOne(PRODUCER, ByteBuffer.wrap(MessageEncoder.plainDatagram(
                Message.change(id, value.getBytes())))));
    }

    /** A JOIN of {@code set} of {@code generation}, then a Query of each id, in one datagram. */
    private List<Message> join(InetSocketAddress from, String set, int generation, String... ids) {
        List<Message> datagram = new ArrayList<>();
        datagram.add(Summaries.keep(set, Summaries.JOIN, new Summary(generation, 0, 0)));
        for (String id : ids) {
            datagram.add(Message.query(id));
        }
        return send(from, datagram.toArray(Message[]::new));
    }

    private Summaries.Keep keep(InetSocketAddress from, String set, Summary summary) {
        List<Message> answer = send(from, Summaries.keep(set, 0, summary));
        assertEquals(1, answer.size(), answer.toString());
        assertEquals(MessageType.KEPT, answer.get(0).type());
        return Summaries.read(answer.get(0)).orElseThrow();
    }

    private static long digest(String... idValue) {
        long sum = 0;
        for (int i = 0; i < idValue.length; i += 2) {
            sum += Summaries.hash(idValue[i], idValue[i + 1].getBytes());
        }
        return sum;
    }

    private void advance(int seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    @Test
    void theQueriesAfterAJoinMakeASetThatOneAgreeingKeepRenews() {
        change("a", "1", LISTENER);
        List<Message> answer = join(LISTENER, "s1", 1, "a", "b");
        assertEquals(List.of(Message.reply("a", "1".getBytes()), Message.reply("b", new byte[0]),
                Summaries.kept("s1", Summaries.JOINED, new Summary(1, 2, 0))), answer);
        join(OTHER, "s1", 1, "a", "b"); // the same ids, kept alive by nothing

        advance(200);
        Summaries.Keep kept = keep(LISTENER, "s1", new Summary(1, 2, digest("a", "1", "b", "")));
        assertTrue(kept.has(Summaries.RENEWED), kept.toString());
        advance(200); // 400 s after the Queries, 200 s after the KEEP
        assertEquals(List.of(Message.signal("a", "2".getBytes())), change("a", "2", LISTENER), "renewed by the KEEP");
        assertEquals(List.of(), change("a", "3", OTHER), "expired: its Queries were 400 s ago");
        assertEquals(1, stats.keepsRenewed());
    }

    @Test
    void aSummaryOfAnotherValueGenerationOrEndpointRenewsNothingAndIsToldTheServers() {
        join(LISTENER, "s1", 1, "a", "b");
        change("a", "1", LISTENER); // a Signal the listener may have missed
        Summary missedIt = new Summary(1, 2, digest("a", "", "b", ""));
        Summaries.Keep kept = keep(LISTENER, "s1", missedIt);
        assertFalse(kept.has(Summaries.RENEWED));
        assertEquals(new Summary(1, 2, digest("a", "1", "b", "")), kept.summary(), "the server's summary");
        assertFalse(keep(LISTENER, "s1", new Summary(2, 2, digest("a", "1", "b", ""))).has(Summaries.RENEWED),
                "another generation");
        Summaries.Keep forged = keep(OTHER, "s1", kept.summary());
        assertEquals(new Summaries.Keep("s1", 0, new Summary(0, 0, 0)), forged, "another endpoint has no such set");

        advance(TTL + 1);
        assertEquals(List.of(), change("a", "2", LISTENER), "nothing renewed the listener");
        assertEquals(0, stats.keepsRenewed());
    }

    @Test
    void aNewerGenerationStartsTheSetAnewAndAnOlderJoinsNothing() {
        join(LISTENER, "s1", 1, "a", "b");
        assertEquals(Summaries.kept("s1", Summaries.JOINED, new Summary(2, 1, 0)), join(LISTENER, "s1", 2, "a").get(1));
        assertEquals(Summaries.kept("s1", Summaries.JOINED, new Summary(2, 1, 0)), join(LISTENER, "s1", 1, "c").get(1),
                "a late datagram of the generation before");
        assertTrue(keep(LISTENER, "s1", new Summary(2, 1, digest("a", ""))).has(Summaries.RENEWED));
    }

    @Test
    void anEndpointHoldsAFewSetsAndOneNeitherJoinedNorRenewedForATtlIsForgotten() {
        for (int set = 0; set < KeptSets.SETS_PER_ENDPOINT; set++) {
            assertEquals(MessageType.KEPT, join(LISTENER, "s" + set, 1, "a").get(1).type());
        }
        List<Message> beyond = join(LISTENER, "beyond", 1, "a");
        assertEquals(List.of(Message.reply("a", new byte[0])), beyond, "answered, but no set");

        advance(200);
        assertTrue(keep(LISTENER, "s0", new Summary(1, 1, digest("a", ""))).has(Summaries.RENEWED));
        advance(TTL - 100);
        handler.sweepListeners();
        assertTrue(keep(LISTENER, "s0", new Summary(1, 1, digest("a", ""))).has(Summaries.RENEWED), "kept");
        assertFalse(keep(LISTENER, "s1", new Summary(1, 1, digest("a", ""))).has(Summaries.RENEWED), "forgotten");
        assertEquals(MessageType.KEPT, join(LISTENER, "beyond", 1, "a").get(1).type(), "room again");
    }

    @Test
    void aKeepOfAnotherLengthIsIgnored() {
        assertEquals(List.of(), send(LISTENER, new Message(MessageType.KEEP, "s1", new byte[16])));
        assertEquals(0, stats.keeps());
    }

    /** Summarizing costs a hash per id: a set is summarized at most once a second, whatever the KEEPs say. */
    @Test
    void aFloodOfKeepsSummarizesTheSetOnceASecond() {
        KeptSets sets = new KeptSets(TTL);
        KeptSets.Joining joining = sets.join(LISTENER, "s1", 1, 0);
        for (int i = 0; i < 1_000; i++) {
            joining.registered("id" + i);
        }
        int[] hashed = {0};
        java.util.function.Function<String, byte[]> values = id -> {
            hashed[0]++;
            return new byte[0];
        };
        for (int i = 0; i < 100; i++) {
            Summaries.Keep wrong = new Summaries.Keep("s1", 0, new Summary(1, 1_000, i));
            assertFalse(Summaries.read(sets.keep(LISTENER, wrong, 5, values, id -> true)).orElseThrow()
                    .has(Summaries.RENEWED));
        }
        assertEquals(1_000, hashed[0], "one summary of 1,000 ids for 100 KEEPs within the second");
        sets.keep(LISTENER, new Summaries.Keep("s1", 0, new Summary(1, 1_000, 0)), 6, values, id -> true);
        assertEquals(2_000, hashed[0], "summarized again the next second");
    }
}
