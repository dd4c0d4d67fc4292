package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.modstamp.server.engine.Outgoing.messages;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.modstamp.server.MutableClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.server.store.StoreException;
import org.modstamp.server.store.ValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;
import org.modstamp.wire.MessageType;

class DatagramHandlerTest {
    private static final InetSocketAddress RW = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress RW2 = new InetSocketAddress("127.0.0.1", 5001);
    private static final InetSocketAddress RO = new InetSocketAddress("127.0.0.2", 5000);

    private final MemoryValueStore store = new MemoryValueStore();
    private final DatagramHandler handler = handler(store);

    private static DatagramHandler handler(ValueStore store) {
        return new DatagramHandler(ServerConfig.defaults().withClock(new MutableClock()), store, new ListenerRegistry(300));
    }

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer datagram(Message... messages) {
        return ByteBuffer.wrap(MessageEncoder.plainDatagram(messages));
    }

    @Test
    void signalsGoToEveryListenerBeforeTheModified() {
        handler.handleOne(RO, datagram(Message.query("a")));
        handler.handleOne(RW2, datagram(Message.query("a")));
        List<OutgoingDatagram> out = handler.handleOne(RW, datagram(Message.change("a", v("1"))));
        assertEquals(3, out.size());
        assertEquals(List.of(Message.signal("a", v("1"))), messages(out.get(0)));
        assertEquals(List.of(Message.signal("a", v("1"))), messages(out.get(1)));
        assertEquals(java.util.Set.of(RO, RW2), java.util.Set.of(out.get(0).recipient(), out.get(1).recipient()));
        assertEquals(RW, out.get(2).recipient());
        assertEquals(List.of(Message.modified("a", v("1"))), messages(out.get(2)));
        assertArrayEquals(v("1"), store.get("a"));
    }

    @Test
    void aDatagramOfModifiedsOnlyIsAConfirmationThatMayGoAheadOfSignalsAndNoOtherIs() {
        handler.handleOne(RO, datagram(Message.query("a")));
        List<OutgoingDatagram> out = handler.handleOne(RW, datagram(Message.change("a", v("1")),
                Message.change("b", v("2"))));
        assertEquals(2, out.size());
        assertEquals(List.of(Message.signal("a", v("1"))), messages(out.get(0)));
        assertFalse(out.get(0).confirmation(), "a Signal keeps its place");
        assertEquals(List.of(Message.modified("a", v("1")), Message.modified("b", v("2"))), messages(out.get(1)));
        assertTrue(out.get(1).confirmation());
        List<OutgoingDatagram> mixed = handler.handleOne(RW, datagram(Message.change("c", v("3")), Message.query("a")));
        assertEquals(List.of(Message.modified("c", v("3")), Message.reply("a", v("1"))), messages(mixed.get(0)));
        assertFalse(mixed.get(0).confirmation(), "a Reply keeps its place behind the Signals queued before it");
    }

    @Test
    void aQueryAnsweredBeforeAChangeOfItsIdInTheSameDatagramLeavesBeforeTheSignalOfTheNewValue() {
        store.putAll(Map.of("a", v("old")));
        handler.handleOne(RW2, datagram(Message.query("a")));
        List<OutgoingDatagram> out = handler.handleOne(RW, datagram(Message.query("a"), Message.change("a", v("new"))));
        List<Message> toSender = out.stream().filter(d -> d.recipient().equals(RW)).flatMap(d -> messages(d).stream())
                .toList();
        assertEquals(List.of(Message.reply("a", v("old")), Message.signal("a", v("new")), Message.modified("a", v("new"))),
                toSender, "the sender, now a listener, reads old then new, in that order, whatever the packing");
        List<Message> toListener = out.stream().filter(d -> d.recipient().equals(RW2)).flatMap(d -> messages(d).stream())
                .toList();
        assertEquals(List.of(Message.signal("a", v("new"))), toListener);
    }

    @Test
    void readOnlySenderMayQueryButNotChange() {
        store.putAll(Map.of("a", v("1")));
        List<OutgoingDatagram> out = handler.handleOne(RO,
                datagram(Message.change("a", v("evil")), Message.query("a")));
        assertEquals(1, out.size());
        assertEquals(List.of(Message.reply("a", v("1"))), messages(out.get(0)), "C skipped, Q answered");
        assertArrayEquals(v("1"), store.get("a"));
    }

    @Test
    void laterDatagramsOfABatchSeeEarlierChangesAndNothingLeavesBeforeTheCommit() {
        Batch batch = new Batch();
        handler.handle(RW, datagram(Message.change("a", v("1"))), batch);
        handler.handle(RW2, datagram(Message.query("a")), batch);
        assertEquals(0, store.size(), "not stored before complete()");
        List<OutgoingDatagram> out = handler.complete(batch);
        assertEquals(List.of(Message.reply("a", v("1"))), messages(out.get(1)));
        assertArrayEquals(v("1"), store.get("a"));
        assertTrue(batch.isEmpty());
    }

    @Test
    void recentChangesKeepWhatWasStoredWithItsSourceNewestFirst() {
        handler.handleOne(RW, datagram(Message.change("a", v("1"))));
        handler.handleOne(RW, datagram(Message.change("a", v("1")))); // unchanged: not a change
        Batch batch = new Batch();
        handler.change("b", v("2"), batch, "HTTP from 127.0.0.1");
        assertEquals(1, handler.recentChanges().newestFirst().size(), "nothing before it is durable");
        handler.complete(batch);
        List<org.modstamp.server.history.RecentChanges.Change> recent = handler.recentChanges().newestFirst();
        assertEquals(List.of("b", "a"), recent.stream().map(c -> c.id()).toList());
        assertEquals("HTTP from 127.0.0.1", recent.get(0).source());
        assertEquals(RW.getAddress().getHostAddress() + ":" + RW.getPort(), recent.get(1).source());
    }

    @Test
    void whenTheStoreFailsNothingIsSentAndNothingChanges() {
        MemoryValueStore inner = new MemoryValueStore();
        ValueStore failing = new ValueStore() {
            @Override
            public byte[] get(String id) {
                return inner.get(id);
            }

            @Override
            public long putAll(Map<String, byte[]> changes) throws StoreException {
                throw new StoreException("disk full", new java.io.IOException("disk full"));
            }

            @Override
            public org.modstamp.wire.Watches.Position position() {
                return inner.position();
            }

            @Override
            public int size() {
                return inner.size();
            }

            @Override
            public void forEach(java.util.function.BiConsumer<String, byte[]> action) {
                inner.forEach(action);
            }

            @Override
            public void close() {
            }
        };
        DatagramHandler h = handler(failing);
        h.handleOne(RW2, datagram(Message.query("a")));
        assertEquals(List.of(), h.handleOne(RW, datagram(Message.change("a", v("1")), Message.query("a"))));
        List<OutgoingDatagram> after = h.handleOne(RW2, datagram(Message.query("a")));
        assertEquals(List.of(Message.reply("a", null)), messages(after.get(0)), "the failed change is not visible");
    }

    @Test
    void unchangedValueGetsModifiedButNoSignal() {
        handler.handleOne(RW2, datagram(Message.query("a")));
        handler.handleOne(RW, datagram(Message.change("a", v("1"))));
        List<OutgoingDatagram> out = handler.handleOne(RW, datagram(Message.change("a", v("1"))));
        assertEquals(1, out.size());
        assertEquals(MessageType.MODIFIED, messages(out.get(0)).get(0).type());
    }

    @Test
    void broadcastRepeatSendsEachSignalBackToBack() {
        DatagramHandler h = new DatagramHandler(ServerConfig.defaults().withBroadcastRepeat(3).withClock(new MutableClock()),
                new MemoryValueStore(), new ListenerRegistry(300));
        h.handleOne(RW2, datagram(Message.query("a")));
        List<OutgoingDatagram> out = h.handleOne(RW, datagram(Message.change("a", v("1"))));
        assertEquals(4, out.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(RW2, out.get(i).recipient());
        }
    }

    @Test
    void oversizedAndUnknownProfileDatagramsAreDropped() {
        assertEquals(List.of(), handler.handleOne(RW, ByteBuffer.allocate(ServerConfig.MAX_REQUEST_SIZE + 1)));
        ByteBuffer unknownSignature = ByteBuffer.wrap(java.util.HexFormat.of().parseHex("017851010474657374"));
        assertEquals(List.of(), handler.handleOne(RW, unknownSignature));
    }
}
