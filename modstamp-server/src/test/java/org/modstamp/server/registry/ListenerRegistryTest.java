package org.modstamp.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ListenerRegistryTest {

    @Test
    void registrationLivesWhileNowIsAtMostRenewedPlusTtl() {
        ListenerRegistry registry = new ListenerRegistry(300);
        InetSocketAddress l = new InetSocketAddress("127.0.0.1", 4000);
        registry.register("a", l, 0);
        assertEquals(List.of(l), listeners(registry, "a", 300));
        assertEquals(List.of(), listeners(registry, "a", 301));
        assertEquals(0, registry.registrations());
    }

    @Test
    void renewingExtendsAndDoesNotDuplicate() {
        ListenerRegistry registry = new ListenerRegistry(300);
        InetSocketAddress l = new InetSocketAddress("127.0.0.1", 4000);
        registry.register("a", l, 0);
        registry.register("a", l, 200);
        assertEquals(List.of(l), listeners(registry, "a", 450));
        assertEquals(1, registry.registrations());
    }

    @Test
    void ipv6AndIpv4MappedListenersRoundTrip() throws Exception {
        ListenerRegistry registry = new ListenerRegistry(300);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("fe80::1%1"), 4000);
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
        InetSocketAddress v4mapped = new InetSocketAddress(java.net.Inet6Address.getByAddress(null, mapped, -1), 5);
        registry.register("a", v6, 0);
        registry.register("a", v4mapped, 0);
        Set<InetSocketAddress> got = new HashSet<>(listeners(registry, "a", 0));
        assertEquals(Set.of(v6, new InetSocketAddress("10.1.2.3", 5)), got);
    }

    @Test
    void ipv6AddressesAreForgottenWithTheirLastRegistration() throws Exception {
        ListenerRegistry registry = new ListenerRegistry(10);
        for (int i = 1; i <= 100; i++) {
            registry.register("a", new InetSocketAddress(InetAddress.getByName("2001:db8::" + Integer.toHexString(i)), 9), 0);
            registry.register("b", new InetSocketAddress(InetAddress.getByName("2001:db8::" + Integer.toHexString(i)), 9), 0);
        }
        assertEquals(100, registry.ipv6Addresses());
        registry.register("a", new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 9), 20);
        registry.sweep(25);
        assertEquals(1, registry.ipv6Addresses(), "only the renewed one is still used");
        registry.register("c", new InetSocketAddress(InetAddress.getByName("2001:db8::ff:1"), 7), 25);
        assertEquals(Set.of(new InetSocketAddress(InetAddress.getByName("2001:db8::ff:1"), 7)),
                new HashSet<>(listeners(registry, "c", 25)), "a freed number is reused correctly");
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 9)), listeners(registry, "a", 25));
    }

    /** Random registrations, renewals, fan-outs and sweeps against a plain map of the same rules. */
    @Test
    void behavesLikeASimpleModelUnderRandomOperations() {
        Random random = new Random(42);
        int ttl = 20;
        ListenerRegistry registry = new ListenerRegistry(ttl);
        Map<String, Map<InetSocketAddress, Integer>> model = new HashMap<>();
        int now = 0;
        for (int step = 0; step < 200_000; step++) {
            String id = "id" + random.nextInt(5);
            int op = random.nextInt(100);
            if (op < 70) {
                InetSocketAddress l = new InetSocketAddress("127.0." + random.nextInt(3) + "." + random.nextInt(250),
                        1 + random.nextInt(60));
                registry.register(id, l, now);
                model.computeIfAbsent(id, k -> new HashMap<>()).put(l, now);
            } else if (op < 95) {
                int t = now;
                Set<InetSocketAddress> expected = new HashSet<>();
                model.getOrDefault(id, Map.of()).forEach((l, renewed) -> {
                    if (t <= renewed + ttl) {
                        expected.add(l);
                    }
                });
                List<InetSocketAddress> got = listeners(registry, id, now);
                assertEquals(expected.size(), got.size(), "no listener twice, step " + step);
                assertEquals(expected, new HashSet<>(got), "step " + step);
                model.getOrDefault(id, new HashMap<>()).values().removeIf(renewed -> t > renewed + ttl);
            } else if (op < 97) {
                int t = now;
                registry.sweep(now);
                model.values().forEach(m -> m.values().removeIf(renewed -> t > renewed + ttl));
            } else {
                now += random.nextInt(30); // runs through 2^15 seconds several times
            }
            if (step % 1000 == 0) {
                long size = model.values().stream().mapToLong(Map::size).sum();
                registry.sweep(now);
                int t = now;
                model.values().forEach(m -> m.values().removeIf(renewed -> t > renewed + ttl));
                size = model.values().stream().mapToLong(Map::size).sum();
                assertEquals(size, registry.registrations(), "step " + step);
            }
        }
    }

    private static List<InetSocketAddress> listeners(ListenerRegistry registry, String id, int now) {
        List<InetSocketAddress> got = new ArrayList<>();
        registry.forEachListener(id, now, got::add);
        return got;
    }

    @Test
    void registrationsAreCountedPerIpv4Slash24AndIpv6Slash64AndRefusedOnesLeaveNothing() throws Exception {
        ListenerRegistry registry = new ListenerRegistry(300, 24, 64);
        for (int i = 1; i <= 8; i++) {
            assertEquals(i <= 5, registry.register("a", new InetSocketAddress("192.0.2." + i, 9), 0, 5),
                    "192.0.2." + i + ": five per /24");
            assertEquals(i <= 5, registry.register("a", new InetSocketAddress(InetAddress.getByName("2001:db8:0:1::" + i), 9),
                    0, 5), "2001:db8:0:1::" + i + ": five per /64");
        }
        assertTrue(registry.register("a", new InetSocketAddress("192.0.3.1", 9), 0, 5), "another /24");
        assertTrue(registry.register("a", new InetSocketAddress(InetAddress.getByName("2001:db8:0:2::1"), 9), 0, 5));
        assertEquals(6, registry.ipv6Addresses(), "refused IPv6 sources are not numbered");
        assertTrue(registry.register("a", new InetSocketAddress("192.0.2.1", 9), 1, 5), "a renewal always passes");
        assertEquals(12, registry.registrations());
        assertTrue(!registry.register("b", new InetSocketAddress("198.51.100.1", 9), 1, 5, 12), "the budget is full");
        assertEquals(0, registry.sweep(1000) - 12, "all expire");
        assertTrue(registry.register("a", new InetSocketAddress("192.0.2.8", 9), 1000, 5), "counts were released");
    }
}
