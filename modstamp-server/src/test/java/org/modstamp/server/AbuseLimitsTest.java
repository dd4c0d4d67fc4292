package org.modstamp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.modstamp.server.engine.DatagramHandler;
import org.modstamp.server.engine.OutgoingDatagram;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.security.Aead;
import org.modstamp.security.AeadSender;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.security.SecurityProfiles;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/** What a forged source can make the server do is bounded by the configured limits. */
class AbuseLimitsTest {
    private static final InetSocketAddress PRODUCER = new InetSocketAddress("127.0.0.1", 7000);
    private final MutableClock clock = new MutableClock();

    private static byte[] datagram(Message... messages) {
        return MessageEncoder.plainDatagram(messages);
    }

    /** A victim address (a loopback alias) enrolled by "forged" Queries through the real UDP server. */
    @Test
    void forgedQueriesEnrolAVictimOnlyUpToTheCapAndSignalsToItAreRateLimited() throws Exception {
        AbuseLimits limits = new AbuseLimits(10, 1_000_000, 3.0, 600);
        try (ModstampServer server = ModstampServer.start(ServerConfig.defaults()
                     .withListen(new InetSocketAddress("127.0.0.1", 0)).withLimits(limits), new MemoryValueStore());
             UdpPeers peers = new UdpPeers().add("victim", "127.0.0.9").add("P", "127.0.0.1")) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", server.port());
            for (int i = 0; i < 50; i++) {
                peers.send("victim", datagram(Message.query("id" + i)), to);
            }
            assertEquals(50, peers.collect(50, 3000, 100).size(), "every Query is still answered");
            for (int i = 0; i < 50; i++) {
                peers.send("P", datagram(Message.change("id" + i, "v".getBytes())), to);
            }
            List<String> got = peers.collect(60, 3000, 300);
            long signals = got.stream().filter(line -> line.startsWith("victim: ")).count();
            assertEquals(10, signals, "the victim gets Signals for 10 ids at most");
            assertEquals(40, server.stats().snapshot().listenersRefused());
        }
    }

    @Test
    void signalsToOneAddressAreCappedPerSecond() {
        AbuseLimits limits = new AbuseLimits(1000, 5, 3.0, 600);
        DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withLimits(limits).withClock(clock),
                new MemoryValueStore(), new ListenerRegistry(300));
        InetSocketAddress listener = new InetSocketAddress("127.0.0.2", 9000);
        for (int i = 0; i < 10; i++) {
            handler.handleOne(listener, ByteBuffer.wrap(datagram(Message.query("r" + i))));
        }
        assertEquals(5, signalsTo(listener, handler, "x"), "a burst of 5, then the bucket is empty");
        clock.advance(Duration.ofMillis(600));
        assertEquals(3, signalsTo(listener, handler, "y"), "0.6 s of the server's clock refilled 3");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(5, signalsTo(listener, handler, "z"), "a full bucket holds 5, however long it waited");
    }

    /** Signals that reach {@code listener} when the producer sets r0..r9 to {@code value}. */
    private static int signalsTo(InetSocketAddress listener, DatagramHandler handler, String value) {
        int signals = 0;
        for (int i = 0; i < 10; i++) {
            for (OutgoingDatagram out : handler.handleOne(PRODUCER,
                    ByteBuffer.wrap(datagram(Message.change("r" + i, value.getBytes()))))) {
                signals += out.recipient().equals(listener) ? 1 : 0;
            }
        }
        return signals;
    }

    @Test
    void theSignalCapCountsEveryCopyAndEveryAddressOfTheVictimsNetworkTogether() {
        AbuseLimits limits = new AbuseLimits(1000, 6, 3.0, 600);
        DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withLimits(limits).withBroadcastRepeat(3)
                .withClock(clock), new MemoryValueStore(), new ListenerRegistry(300));
        for (int a = 1; a <= 2; a++) { // forged Queries from two addresses of one /24
            for (int i = 0; i < 10; i++) {
                handler.handleOne(new InetSocketAddress("192.0.2." + a, 9000), ByteBuffer.wrap(datagram(Message.query("r" + i))));
            }
        }
        int toVictimNetwork = 0;
        for (int i = 0; i < 10; i++) {
            for (OutgoingDatagram out : handler.handleOne(PRODUCER,
                    ByteBuffer.wrap(datagram(Message.change("r" + i, "x".getBytes()))))) {
                toVictimNetwork += out.recipient().getAddress().getHostAddress().startsWith("192.0.2.") ? 1 : 0;
            }
        }
        assertEquals(6, toVictimNetwork, "6 datagrams in all: two Signals of 3 copies each");
    }

    @Test
    void signalsToAListenerWhoseQueriesWereAuthenticatedAreNotCapped() {
        AbuseLimits limits = new AbuseLimits(1000, 5, 3.0, 600);
        byte[] key = new byte[32];
        key[0] = 42;
        SecurityProfile ops = SecurityProfile.aead("ops", Permission.DEFAULT, key);
        ServerConfig config = ServerConfig.defaults().withLimits(limits).withClock(clock)
                .withProfiles(new SecurityProfiles(List.of(ops, SecurityProfile.plain(Permission.READ_WRITE))));
        DatagramHandler handler = new DatagramHandler(config, new MemoryValueStore(), new ListenerRegistry(300));
        InetSocketAddress plain = new InetSocketAddress("127.0.0.2", 9000);
        InetSocketAddress sealed = new InetSocketAddress("127.0.0.3", 9000);
        AeadSender sealer = new AeadSender(ops, Aead.Direction.REQUEST);
        for (int i = 0; i < 10; i++) {
            handler.handleOne(plain, ByteBuffer.wrap(datagram(Message.query("r" + i))));
            byte[] query = datagram(Message.query("r" + i));
            handler.handleOne(sealed, ByteBuffer.wrap(sealer.seal(Arrays.copyOfRange(query, 1, query.length),
                    clock.epochMillis()).datagram()));
        }
        int toPlain = 0;
        int toSealed = 0;
        for (int i = 0; i < 10; i++) {
            for (OutgoingDatagram out : handler.handleOne(PRODUCER,
                    ByteBuffer.wrap(datagram(Message.change("r" + i, "x".getBytes()))))) {
                toPlain += out.recipient().equals(plain) ? 1 : 0;
                toSealed += out.recipient().equals(sealed) ? 1 : 0;
            }
        }
        assertEquals(5, toPlain, "the plain listener's bucket empties after 5");
        assertEquals(10, toSealed, "the authenticated listener gets every Signal");
    }

    @Test
    void aReplyIsAtMostThreeTimesItsRequestOrOneFullReply() {
        ServerStats stats = new ServerStats();
        MemoryValueStore store = new MemoryValueStore();
        DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withClock(clock), store,
                new ListenerRegistry(300), stats);
        Message[] queries = new Message[10];
        for (int i = 0; i < 10; i++) {
            handler.handleOne(PRODUCER, ByteBuffer.wrap(datagram(Message.change("a" + i, "v".repeat(255).getBytes()))));
            queries[i] = Message.query("a" + i);
        }
        byte[] request = datagram(queries); // 51 bytes asking for 10 x 261 bytes
        List<OutgoingDatagram> out = handler.handleOne(new InetSocketAddress("10.0.0.1", 5), ByteBuffer.wrap(request));
        int replyBytes = out.stream().mapToInt(d -> d.bytes().length).sum();
        assertTrue(replyBytes <= AbuseLimits.defaults().replyBudget(request.length), "reply of " + replyBytes + " bytes");
        assertEquals(2, out.size() == 1 ? (replyBytes - 1) / 261 : -1, "two Replies fit the 600-byte allowance");
        assertEquals(8, stats.snapshot().repliesCut());
        byte[] one = datagram(Message.query("a0")); // a single Query always gets its Reply
        assertEquals(1 + 261, handler.handleOne(new InetSocketAddress("10.0.0.1", 5), ByteBuffer.wrap(one)).get(0).bytes().length);
    }
}
