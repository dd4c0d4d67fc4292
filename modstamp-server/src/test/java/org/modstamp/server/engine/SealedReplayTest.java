package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.modstamp.security.Aead;
import org.modstamp.security.AeadSender;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.MutableClock;
import org.modstamp.server.ServerClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/**
 * Replay protection of the aead profile is keyed by the authenticated sender, not by the source address
 * (which costs nothing to forge), and forgets a sender only when all its datagrams are stale.
 */
class SealedReplayTest {
    private static final byte[] KEY = new byte[32];
    private static final SecurityProfile OPS = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.1.0.1", 4000);
    private static final InetSocketAddress ATTACKER = new InetSocketAddress("10.2.0.1", 4000);

    static {
        KEY[0] = 7;
    }

    private final ServerStats stats = new ServerStats();
    private final MemoryValueStore store = new MemoryValueStore();
    private final ListenerRegistry registry = new ListenerRegistry(300);
    private final MutableClock clock = new MutableClock();

    private DatagramHandler handler(int maxSenders) {
        ServerConfig config = ServerConfig.defaults().withProfiles(new SecurityProfiles(List.of(OPS,
                SecurityProfile.plain(Permission.READ_ONLY)))).withClock(clock);
        return new DatagramHandler(config, store, registry, stats, maxSenders);
    }

    /** {@code messages} sealed by {@code sender} at the time of {@code clock}. */
    static byte[] sealed(AeadSender sender, ServerClock clock, Message... messages) {
        byte[] plain = MessageEncoder.plainDatagram(messages);
        return sender.seal(Arrays.copyOfRange(plain, 1, plain.length), clock.epochMillis()).datagram();
    }

    private static ByteBuffer wrap(byte[] datagram) {
        return ByteBuffer.wrap(datagram);
    }

    @Test
    void aCapturedSealedChangeOrQueryResentFromAnotherAddressIsDropped() {
        DatagramHandler handler = handler(DatagramHandler.MAX_SENDERS);
        AeadSender client = new AeadSender(OPS, Aead.Direction.REQUEST);
        byte[] first = sealed(client, clock, Message.change("v", "1".getBytes()));
        byte[] second = sealed(client, clock, Message.change("v", "2".getBytes()));
        assertEquals(1, handler.handleOne(CLIENT, wrap(first)).size(), "M");
        assertEquals(1, handler.handleOne(CLIENT, wrap(second)).size(), "M");
        assertEquals(List.of(), handler.handleOne(ATTACKER, wrap(first)), "the captured C, from elsewhere");
        assertArrayEquals("2".getBytes(), store.get("v"), "no rollback");

        byte[] query = sealed(client, clock, Message.query("v"));
        assertEquals(1, handler.handleOne(CLIENT, wrap(query)).size(), "R");
        InetSocketAddress victim = new InetSocketAddress("10.3.0.1", 5000);
        assertEquals(List.of(), handler.handleOne(victim, wrap(query)), "the captured Q, with a victim's source");
        assertEquals(List.of(CLIENT), handler.listeners("v"), "the victim is not enrolled");
        assertEquals(2, stats.snapshot().droppedReplay());
    }

    @Test
    void aReplayIsDroppedAfterAnyNumberOfOtherSendersAndAddresses() {
        DatagramHandler handler = handler(10_000);
        AeadSender victim = new AeadSender(OPS, Aead.Direction.REQUEST);
        byte[] captured = sealed(victim, clock, Message.change("v", "old".getBytes()));
        handler.handleOne(CLIENT, wrap(captured));
        handler.handleOne(CLIENT, wrap(sealed(victim, clock, Message.change("v", "new".getBytes()))));
        // the old eviction attack: more senders than are held, each from an address of its own
        for (int i = 0; i < 12_000; i++) {
            AeadSender other = new AeadSender(OPS, Aead.Direction.REQUEST);
            InetSocketAddress from = new InetSocketAddress("10.4." + (i >> 8) + "." + (i & 0xFF), 6000);
            handler.handleOne(from, wrap(sealed(other, clock, Message.query("o" + i))));
        }
        assertEquals(List.of(), handler.handleOne(CLIENT, wrap(captured)), "still a replay, from its own address");
        assertArrayEquals("new".getBytes(), store.get("v"));
        assertEquals(12_000 - 9_999, stats.snapshot().droppedTooManySenders(), "the victim and 9,999 others are held; "
                + "senders beyond the bound are refused, not evicting");
        assertEquals(1, stats.snapshot().droppedReplay());
    }

    @Test
    void fiveThousandSealedDatagramsFromOneAddressAreEachAcceptedExactlyOnce() {
        DatagramHandler handler = handler(DatagramHandler.MAX_SENDERS);
        // one address, say a NAT, with five clients behind it
        List<AeadSender> clients = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            clients.add(new AeadSender(OPS, Aead.Direction.REQUEST));
        }
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            byte[] datagram = sealed(clients.get(i % 5), clock, Message.query("q" + i));
            sent.add(datagram);
            assertEquals(1, handler.handleOne(new InetSocketAddress("10.5.0.1", 7000 + i % 5), wrap(datagram)).size(),
                    "datagram " + i + " answered");
        }
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(List.of(), handler.handleOne(new InetSocketAddress("10.5.0.1", 7000 + i % 5),
                    wrap(sent.get(i))), "datagram " + i + " again");
        }
        assertEquals(5_000, stats.snapshot().droppedReplay());
        assertEquals(5_000, stats.snapshot().queries());
    }

    @Test
    void theReplayWindowFollowsTheServersClock() {
        DatagramHandler handler = handler(1); // room for one sender's window
        AeadSender first = new AeadSender(OPS, Aead.Direction.REQUEST);
        AeadSender second = new AeadSender(OPS, Aead.Direction.REQUEST);
        byte[] query = sealed(first, clock, Message.query("v"));
        assertEquals(1, handler.handleOne(CLIENT, wrap(query)).size());
        assertEquals(List.of(), handler.handleOne(ATTACKER, wrap(sealed(second, clock, Message.query("v")))),
                "no room for a second sender while the first one's datagrams can still be replayed");

        clock.advance(Duration.ofMillis(org.modstamp.protocol.Protocol.REPLAY_WINDOW_MILLIS - 1));
        assertEquals(List.of(), handler.handleOne(CLIENT, wrap(query)), "a replay, still inside the window");
        clock.advance(Duration.ofMillis(2));
        assertEquals(List.of(), handler.handleOne(CLIENT, wrap(query)), "stale: sealed more than the window ago");
        assertEquals(1, handler.handleOne(ATTACKER, wrap(sealed(second, clock, Message.query("v")))).size(),
                "the first sender is forgotten once all it ever sent is stale, and the second one fits");
        assertEquals(1, stats.snapshot().droppedTooManySenders());
        assertEquals(2, stats.snapshot().droppedReplay());
    }
}
