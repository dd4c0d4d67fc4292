package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.modstamp.server.MutableClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/** The listeners of an id read page by page from a handler whose listeners registered with real Queries. */
class ListenerPagingTest {
    private final MutableClock clock = new MutableClock();
    private final ListenerRegistry registry = new ListenerRegistry(300);
    private final DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withClock(clock),
            new MemoryValueStore(), registry);

    /** Listener {@code i}: IPv4 addresses of several networks, and one IPv6 address in 20. */
    private static InetSocketAddress listener(int i) throws UnknownHostException {
        if (i % 20 == 0) {
            return new InetSocketAddress(InetAddress.getByName("2001:db8::" + Integer.toHexString(i)), 7000);
        }
        return new InetSocketAddress("127.1." + (i >> 8 & 255) + "." + (i & 255), 1000 + (i >> 16));
    }

    private Set<InetSocketAddress> register(String id, int from, int to) throws UnknownHostException {
        Set<InetSocketAddress> registered = new HashSet<>();
        for (int i = from; i < to; i++) {
            InetSocketAddress listener = listener(i);
            handler.handleOne(listener, ByteBuffer.wrap(MessageEncoder.plainDatagram(Message.query(id))));
            registered.add(listener);
        }
        return registered;
    }

    private List<InetSocketAddress> allPages(String id, int limit) {
        List<InetSocketAddress> seen = new ArrayList<>();
        for (int offset = 0; ; offset += limit) {
            List<InetSocketAddress> page = handler.listeners(id, offset, limit);
            seen.addAll(page);
            if (page.size() < limit) {
                return seen;
            }
        }
    }

    @Test
    void pagesCoverEveryListenerExactlyOnce() throws Exception {
        Set<InetSocketAddress> registered = register("orders", 0, 10_000);
        register("other", 0, 50); // another id's listeners are not in its pages
        assertEquals(10_000, handler.listenerCount("orders"));
        for (int limit : new int[] {1000, 777, 1}) {
            List<InetSocketAddress> seen = allPages("orders", limit);
            assertEquals(10_000, seen.size(), "pages of " + limit + ": no listener twice, none left out");
            assertTrue(registered.equals(new HashSet<>(seen)), "pages of " + limit + ": the listeners registered");
        }
        assertEquals(1000, handler.listeners("orders", 9000, 1000).size(), "the last full page");
        assertEquals(List.of(), handler.listeners("orders", 10_000, 1000), "an offset at the end: an empty page");
        assertEquals(List.of(), handler.listeners("orders", Integer.MAX_VALUE, 1000), "no overflow");
        assertEquals(List.of(), handler.listeners("orders", Long.MAX_VALUE, Integer.MAX_VALUE), "no overflow");
        assertEquals(10_000, handler.listeners("orders", 0, Integer.MAX_VALUE).size(), "offset + limit past the int range");
        assertEquals(List.of(), handler.listeners("nobody", 0, 1000), "an id without listeners");
        assertEquals(0, handler.listenerCount("nobody"));
        assertEquals(10_050, registry.registrations(), "reading pages changes nothing");
    }

    @Test
    void aSingleListenerIsPagedToo() throws Exception {
        Set<InetSocketAddress> registered = register("one", 3, 4);
        assertEquals(List.copyOf(registered), handler.listeners("one", 0, 1000));
        assertEquals(List.of(), handler.listeners("one", 1, 1000));
        assertEquals(List.of(), handler.listeners("one", 0, 0));
    }

    @Test
    void expiredListenersAreLeftOutOfThePagesAndCountedUntilTheSweep() throws Exception {
        register("orders", 0, 5000);
        clock.advance(Duration.ofSeconds(200));
        Set<InetSocketAddress> renewed = register("orders", 5000, 10_000);
        clock.advance(Duration.ofSeconds(150)); // the first 5,000 are 350 s old: past the 300 s TTL
        List<InetSocketAddress> alive = allPages("orders", 1000);
        assertTrue(alive.size() == 5000 && renewed.equals(new HashSet<>(alive)), "the renewed only: " + alive.size());
        assertEquals(10_000, handler.listenerCount("orders"), "held until the sweep");
        handler.sweepListeners();
        assertEquals(5000, handler.listenerCount("orders"));
        assertTrue(renewed.equals(new HashSet<>(allPages("orders", 333))), "the renewed after the sweep");
    }
}
