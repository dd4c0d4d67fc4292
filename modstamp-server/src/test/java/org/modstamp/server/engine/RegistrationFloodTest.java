package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.modstamp.security.Aead;
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
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/**
 * A flood of plain Queries from forged IPv6 sources, all in one /48, against the handler (no socket): the
 * registrations stop at the plain budget, refused ones leave nothing behind, the heap stays under 256 MB,
 * and listeners registered sealed or from other prefixes keep getting every Signal. CI runs 1,000,000 Queries
 * from 300,000 sources; {@code -Dmodstamp.flood.queries=10000000 -Dmodstamp.flood.sources=1000000} is the
 * campaign of issue 13.
 */
class RegistrationFloodTest {
    private static final int QUERIES = Integer.getInteger("modstamp.flood.queries", 1_000_000);
    private static final int SOURCES = Integer.getInteger("modstamp.flood.sources", 300_000);
    private static final long HEAP_BOUND = 256L << 20;
    private static final byte[] KEY = new byte[32];
    private static final SecurityProfile OPS = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
    private static final InetSocketAddress PRODUCER = new InetSocketAddress("127.0.0.1", 7000);

    static {
        KEY[1] = 5;
    }

    /** Source {@code i} of the flood: 2001:db8:1:/48, its /64 and interface id taken from {@code i}. */
    private static InetSocketAddress forged(int i) {
        ByteBuffer b = ByteBuffer.allocate(16).putShort((short) 0x2001).putShort((short) 0x0db8).putShort((short) 1)
                .putShort((short) (i & 0xFFFF)).putLong(0x0200_0000_0000_0000L | i);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b.array()), 1024 + (i % 60_000));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static ByteBuffer plain(Message message) {
        return ByteBuffer.wrap(MessageEncoder.plainDatagram(message));
    }

    private final MutableClock clock = new MutableClock();

    private byte[] sealed(AeadSender sender, Message message) {
        byte[] plain = MessageEncoder.plainDatagram(message);
        return sender.seal(java.util.Arrays.copyOfRange(plain, 1, plain.length), clock.epochMillis()).datagram();
    }

    @Test
    void forgedIpv6QueriesFromOneSlash48StopAtThePlainBudgetAndListenersKeepTheirSignals() {
        AbuseLimits limits = AbuseLimits.defaults();
        ServerStats stats = new ServerStats();
        ListenerRegistry registry = new ListenerRegistry(300, limits.ipv4PrefixBits(), limits.ipv6PrefixBits());
        DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withLimits(limits).withClock(clock).withProfiles(
                new SecurityProfiles(List.of(OPS, SecurityProfile.plain(Permission.READ_WRITE, "127.0.0.1"),
                        SecurityProfile.plain(Permission.READ_ONLY)))),
                new MemoryValueStore(), registry, stats);
        List<InetSocketAddress> plainListeners = new ArrayList<>();
        Map<InetSocketAddress, AeadSender> sealedListeners = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            plainListeners.add(new InetSocketAddress("10.9." + i + ".1", 5000));
            handler.handleOne(plainListeners.get(i), plain(Message.query("news")));
            enrolSealed(handler, sealedListeners, new InetSocketAddress("10.8." + i + ".1", 5000));
        }
        int changes = 0;
        for (int q = 0; q < QUERIES; q++) {
            handler.handleOne(forged(q % SOURCES), plain(Message.query("f" + (q % 1000))));
            if (q % (QUERIES / 10) == QUERIES / 20) {
                // mid-flood: a sealed listener still enrols, and a change reaches every listener
                enrolSealed(handler, sealedListeners, new InetSocketAddress("10.7." + changes + ".1", 5000));
                plainListeners.forEach(l -> handler.handleOne(l, plain(Message.query("news")))); // keep-alives
                Map<InetSocketAddress, Integer> got = new HashMap<>();
                handler.handleOne(PRODUCER, plain(Message.change("news", ("v" + changes++).getBytes())))
                        .forEach(d -> got.merge(d.recipient(), 1, Integer::sum));
                for (InetSocketAddress listener : plainListeners) {
                    assertEquals(1, got.getOrDefault(listener, 0), "plain listener " + listener + " at change " + changes);
                }
                for (InetSocketAddress listener : sealedListeners.keySet()) {
                    assertEquals(1, got.getOrDefault(listener, 0), "sealed listener " + listener + " at change " + changes);
                }
            }
        }
        assertEquals(10, changes);
        assertTrue(registry.registrations() <= limits.plainListeners() + sealedListeners.size(),
                "registrations: " + registry.registrations());
        assertTrue(registry.ipv6Addresses() <= limits.plainListeners(),
                "refused sources leave no address behind: " + registry.ipv6Addresses());
        assertTrue(stats.snapshot().listenersRefused() > 0, "the budget was reached");
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        assertTrue(used < HEAP_BOUND, "heap after the flood: " + (used >> 20) + " MB");
        System.out.printf("flood: %d Queries from %d sources: %d registrations, %d IPv6 addresses, %d refused, "
                        + "heap %d MB%n", QUERIES, SOURCES, registry.registrations(), registry.ipv6Addresses(),
                stats.snapshot().listenersRefused(), used >> 20);
    }

    private void enrolSealed(DatagramHandler handler, Map<InetSocketAddress, AeadSender> listeners,
                             InetSocketAddress at) {
        AeadSender sender = new AeadSender(OPS, Aead.Direction.REQUEST);
        assertEquals(1, handler.handleOne(at, ByteBuffer.wrap(sealed(sender, Message.query("news")))).size());
        listeners.put(at, sender);
    }
}
