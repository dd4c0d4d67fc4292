package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.modstamp.security.Aead;
import org.modstamp.security.AeadOpener;
import org.modstamp.security.AeadSender;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.AbuseLimits;
import org.modstamp.server.MutableClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageEncoder;

/** A listener's profile is fixed at its Query: plain input never downgrades it, sealed input never upgrades. */
class ListenerProfileTest {
    private static final byte[] KEY = new byte[32];
    private static final SecurityProfile OPS = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
    private static final InetSocketAddress PRODUCER = new InetSocketAddress("127.0.0.1", 7000);
    private static final InetSocketAddress LISTENER = new InetSocketAddress("10.0.0.9", 9000);

    static {
        KEY[0] = 9;
    }

    private final ServerStats stats = new ServerStats();
    private final MutableClock clock = new MutableClock();
    // the recommended profile list: aead, then plain ro for everyone (and rw for the local producer)
    private final DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withClock(clock)
            .withLimits(new AbuseLimits(1000, 5, 3.0, 600))
            .withProfiles(new SecurityProfiles(List.of(OPS, SecurityProfile.plain(Permission.READ_WRITE, "127.0.0.1"),
                    SecurityProfile.plain(Permission.READ_ONLY)))),
            new MemoryValueStore(), new ListenerRegistry(300), stats);
    private final AeadSender listener = new AeadSender(OPS, Aead.Direction.REQUEST);
    private final AeadOpener opener = AeadOpener.responsesFor(OPS, listener.id());

    private static ByteBuffer plain(Message... messages) {
        return ByteBuffer.wrap(MessageEncoder.plainDatagram(messages));
    }

    /** What reached the listener's endpoint when {@code id} changed: "sealed S id=value" or "PLAIN ...". */
    private List<String> signalsTo(InetSocketAddress endpoint, String id, String value) {
        return handler.handleOne(PRODUCER, plain(Message.change(id, value.getBytes()))).stream()
                .filter(d -> d.recipient().equals(endpoint)).map(d -> {
                    ByteBuffer buffer = ByteBuffer.wrap(d.bytes());
                    DatagramHeader header = DatagramHeader.read(buffer).orElseThrow();
                    if (header.signature().isEmpty()) {
                        return "PLAIN " + MessageDecoder.decode(buffer).orElseThrow();
                    }
                    Aead.Opened opened = opener.open(header, buffer).orElseThrow();
                    Message s = MessageDecoder.decode(opened.payload()).orElseThrow().get(0);
                    return "sealed " + s.type() + " " + s.id() + "=" + new String(s.value());
                }).toList();
    }

    private static List<String> copies(String signal) {
        return java.util.Collections.nCopies(ServerConfig.defaults().broadcastRepeat(), signal);
    }

    @Test
    void plainDatagramsFromASealedListenersEndpointChangeNothing() {
        handler.handleOne(LISTENER, ByteBuffer.wrap(SealedReplayTest.sealed(listener, clock, Message.query("x"))));
        handler.handleOne(LISTENER, ByteBuffer.wrap(new byte[] {0})); // "00": a header and no message
        handler.handleOne(LISTENER, plain(Message.query("x")));
        handler.handleOne(LISTENER, plain(Message.query("y")));
        assertEquals(copies("sealed SIGNAL x=1"), signalsTo(LISTENER, "x", "1"), "still sealed");
        assertEquals(List.of(), signalsTo(LISTENER, "y", "1"), "the plain Query did not register it");
        assertEquals(2, stats.snapshot().profileMismatches());
    }

    @Test
    void aSealedQueryNeverUpgradesPlainRegistrations() {
        for (int i = 0; i < 10; i++) { // forged plain Queries enrol the endpoint for ten ids
            handler.handleOne(LISTENER, plain(Message.query("r" + i)));
        }
        handler.handleOne(LISTENER, ByteBuffer.wrap(SealedReplayTest.sealed(listener, clock, Message.query("own"))));
        handler.handleOne(LISTENER, ByteBuffer.wrap(SealedReplayTest.sealed(listener, clock, Message.query("r0"))));
        for (int i = 0; i < 10; i++) {
            List<String> got = signalsTo(LISTENER, "r" + i, "v");
            assertTrue(got.stream().noneMatch(s -> s.startsWith("sealed")), "r" + i + " stays plain: " + got);
        }
        assertEquals(copies("sealed SIGNAL own=v"), signalsTo(LISTENER, "own", "v"));
        assertTrue(stats.snapshot().signals() - 1 <= 5, "at most the plain cap of Signals went to plain registrations");
    }
}
