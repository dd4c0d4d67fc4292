package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modstamp.server.engine.Outgoing.messages;
import static org.modstamp.server.engine.Outgoing.to;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.modstamp.security.IdScope;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.MutableClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.server.store.ValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;
import org.modstamp.wire.MessageType;
import org.modstamp.wire.Watches;
import org.modstamp.wire.Watches.Position;

/**
 * The server's side of the watch extension: a watcher of a prefix hears every change under it with its revision,
 * catches up from its position what it missed (the latest of each id, bounded per request, MORE until done), and is
 * told to reset when its position is of another store or older than what the server holds.
 */
class WatchHandlerTest {
    private static final InetSocketAddress PRODUCER = new InetSocketAddress("127.0.0.1", 7000);
    private static final InetSocketAddress WATCHER = new InetSocketAddress("203.0.113.5", 40_000);

    private final MutableClock clock = new MutableClock();
    private final ServerStats stats = new ServerStats();
    private final MemoryValueStore store = new MemoryValueStore();
    private DatagramHandler handler = handler(store, ServerConfig.defaults());

    private DatagramHandler handler(ValueStore values, ServerConfig config) {
        return new DatagramHandler(config.withClock(clock), values, new ListenerRegistry(300), stats);
    }

    private List<Message> send(InetSocketAddress from, Message... messages) {
        return to(from, handler.handleOne(from, ByteBuffer.wrap(MessageEncoder.plainDatagram(messages))));
    }

    /** Changes from the producer; returns what reached the watcher. */
    private List<Message> change(String... idValues) {
        List<Message> changes = new ArrayList<>();
        for (int i = 0; i < idValues.length; i += 2) {
            changes.add(Message.change(idValues[i], idValues[i + 1].getBytes()));
        }
        return to(WATCHER, handler.handleOne(PRODUCER, ByteBuffer.wrap(MessageEncoder.plainDatagram(
                changes.toArray(Message[]::new)))));
    }

    private Watches.Watched watchedOf(List<Message> answer) {
        Message last = answer.get(answer.size() - 1);
        assertEquals(MessageType.WATCHED, last.type(), answer.toString());
        return Watches.watched(last).orElseThrow();
    }

    private static List<String> changedIds(List<Message> answer) {
        return answer.stream().filter(m -> m.type() == MessageType.CHANGED)
                .map(m -> m.id() + "=" + new String(m.value()) + "@" + Watches.changed(m).orElseThrow().revision())
                .toList();
    }

    @Test
    void aWatcherFromNowHearsEveryChangeUnderItsPrefixWithItsRevision() {
        change("jpa.Order.1", "a", "jpa.Order.2", "b");
        long epoch = store.position().epoch();
        Watches.Watched watched = watchedOf(send(WATCHER, Watches.watch("jpa.Order.", Position.NOW)));
        assertEquals(new Position(epoch, 2), watched.position());
        assertFalse(watched.reset());
        assertEquals(List.of("jpa.Order.3=c@3"), changedIds(change("jpa.Order.3", "c")));
        assertEquals(List.of(), change("jpa.Customer.1", "x"), "another prefix");
        assertEquals(List.of("jpa.Order.1=d@5", "jpa.Order.2=@6"), changedIds(change("jpa.Order.1", "d", "jpa.Order.2", "")),
                "a deletion too, with an empty value");
        assertEquals(List.of(), change("jpa.Order.1", "d"), "no change, no revision");
    }

    @Test
    void aWatcherCatchesUpTheLatestOfEachIdSinceItsPosition() {
        long epoch = store.position().epoch();
        change("jpa.Order.1", "a");
        Position had = new Position(epoch, 1);
        change("jpa.Order.2", "b");
        change("jpa.Order.1", "c", "other", "x");
        change("jpa.Order.2", "b2");
        List<Message> answer = send(WATCHER, Watches.watch("jpa.Order.", had));
        assertEquals(List.of("jpa.Order.1=c@3", "jpa.Order.2=b2@5"), changedIds(answer));
        assertEquals(new Position(epoch, 5), watchedOf(answer).position());
        assertFalse(watchedOf(answer).more());
        assertEquals(List.of(), changedIds(send(WATCHER, Watches.watch("jpa.Order.", new Position(epoch, 5)))),
                "a keep-alive with nothing missed is one short answer");
    }

    @Test
    void aPositionOfAnotherStoreOrOlderThanTheLogIsToldToReset() {
        long epoch = store.position().epoch();
        change("a.1", "x", "a.2", "y");
        Watches.Watched other = watchedOf(send(WATCHER, Watches.watch("a.", new Position(epoch + 1, 2))));
        assertTrue(other.reset(), "another epoch");
        assertEquals(new Position(epoch, 2), other.position());
        assertTrue(watchedOf(send(WATCHER, Watches.watch("a.", new Position(epoch, 3)))).reset(), "from the future");
        assertEquals(2, stats.watchResets());
        assertEquals(2, stats.watches());
        handler = handler(store, ServerConfig.defaults()); // a restart: the log is empty, the revision kept
        assertFalse(watchedOf(send(WATCHER, Watches.watch("a.", new Position(epoch, 2)))).reset(),
                "nothing changed while the server was away: no reset");
        Watches.Watched older = watchedOf(send(WATCHER, Watches.watch("a.", new Position(epoch, 1))));
        assertTrue(older.reset(), "what changed before the restart is not known");
        assertEquals(new Position(epoch, 2), older.position());
    }

    /** An unauthenticated watcher's catch-up is cut at its reply budget; asking again from MORE gets the rest. */
    @Test
    void aLongCatchUpComesInRoundsThatEachFitTheReplyBudget() {
        long epoch = store.position().epoch();
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            change("orders." + i, "v" + i);
            expected.put("orders." + i, "v" + i);
        }
        Position at = new Position(epoch, 0);
        Map<String, String> told = new LinkedHashMap<>();
        int rounds = 0;
        for (boolean more = true; more; rounds++) {
            Message watch = Watches.watch("orders.", at);
            List<OutgoingDatagram> out = handler.handleOne(WATCHER, ByteBuffer.wrap(MessageEncoder.plainDatagram(watch)));
            int bytes = out.stream().mapToInt(d -> d.bytes().length).sum();
            assertTrue(bytes <= ServerConfig.defaults().limits().replyBudget(MessageEncoder.plainDatagram(watch).length) + 1,
                    bytes + " bytes");
            List<Message> answer = to(WATCHER, out);
            answer.stream().filter(m -> m.type() == MessageType.CHANGED).forEach(m -> told.put(m.id(), new String(m.value())));
            Watches.Watched watched = watchedOf(answer);
            assertTrue(watched.position().revision() > at.revision(), "every round gets further");
            at = watched.position();
            more = watched.more();
        }
        assertEquals(expected, told);
        assertEquals(new Position(epoch, 200), at);
        assertTrue(rounds > 1, rounds + " rounds");
    }

    /**
     * Whatever the reply budget (an aead watcher has none), a catch-up and the WATCHED that moves the position
     * travel in one datagram: a lost datagram never moves a watcher past changes it did not get.
     */
    @Test
    void aCatchUpAndItsWatchedTravelInOneDatagram() {
        handler = handler(store, ServerConfig.defaults().withLimits(new org.modstamp.server.AbuseLimits(1000, 10_000,
                3.0, 1_000_000)));
        long epoch = store.position().epoch();
        for (int i = 0; i < 200; i++) {
            change("orders." + i, "value-" + i);
        }
        Position at = new Position(epoch, 0);
        int told = 0;
        for (boolean more = true; more; ) {
            List<OutgoingDatagram> out = handler.handleOne(WATCHER,
                    ByteBuffer.wrap(MessageEncoder.plainDatagram(Watches.watch("orders.", at))));
            assertEquals(1, out.size(), "one datagram per WATCH");
            assertTrue(out.get(0).bytes().length <= ServerConfig.defaults().maxPacketSize(), "within maxPacketSize");
            List<Message> answer = messages(out.get(0));
            told += changedIds(answer).size();
            Watches.Watched watched = watchedOf(answer);
            at = watched.position();
            more = watched.more();
        }
        assertEquals(200, told);
        assertEquals(new Position(epoch, 200), at);
    }

    /** A first change that cannot fit the reply budget would be asked for again for ever: it resets instead. */
    @Test
    void aFirstChangeTooBigForTheReplyBudgetIsAResetNotAnEndlessMore() {
        handler = handler(store, ServerConfig.defaults().withLimits(new org.modstamp.server.AbuseLimits(1000, 10_000,
                1.0, 515)));
        long epoch = store.position().epoch();
        change("big." + "i".repeat(246), "x".repeat(255)); // a CHANGED of 518 bytes: the budget is 515
        Watches.Watched watched = watchedOf(send(WATCHER, Watches.watch("big.", new Position(epoch, 0))));
        assertTrue(watched.reset(), watched.toString());
        assertEquals(new Position(epoch, 1), watched.position());
    }

    /** A watch reads every id under its prefix: only where every one of them may be read. */
    @Test
    void aWatchNeedsReadAccessToEveryIdUnderItsPrefix() {
        handler = handler(store, ServerConfig.defaults().withProfiles(new SecurityProfiles(List.of(
                SecurityProfile.plain(Permission.READ_WRITE, "127.0.0.1"),
                SecurityProfile.plain(Permission.READ_ONLY).withIds(new IdScope(List.of("public.*", "status")))))));
        assertEquals(List.of(), send(WATCHER, Watches.watch("pub", Position.NOW)), "covers more than public.*");
        assertEquals(List.of(), send(WATCHER, Watches.watch("status", Position.NOW)), "an exact id is no prefix");
        watchedOf(send(WATCHER, Watches.watch("public.news.", Position.NOW)));
        assertEquals(List.of("public.news.1=x@1"), changedIds(change("public.news.1", "x", "private.1", "y")));
    }

    @Test
    void aWatchWhosePositionIsNotSixteenBytesIsIgnored() {
        assertEquals(List.of(Message.reply("a", null)), send(WATCHER,
                new Message(MessageType.WATCH, "a.", new byte[15]), Message.query("a")));
    }
}
