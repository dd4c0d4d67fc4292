package org.modstamp.server.registry;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Who listens to which id, for how long. Each Query registers (or renews) its sender for
 * {@code ttlSeconds}; a registration is alive while {@code now <= renewed + ttl} in whole seconds, as
 * in the reference. Registering costs O(1) whatever the number of listeners of the id. Expired
 * registrations are dropped when a change is fanned out and by {@link #sweep}. Not thread-safe: the
 * engine's thread owns it, and calls {@link #sweep} at least every few minutes.
 */
public final class ListenerRegistry {
    private final Map<String, ListenerSet> byId = new HashMap<>();
    private final Endpoints endpoints = new Endpoints();
    /** Registrations per IPv4 prefix and per IPv6 prefix (addresses of one network count together). */
    private final Map<Long, Integer> perIpv4Prefix = new HashMap<>();
    private final Map<Long, Integer> perIpv6Prefix = new HashMap<>();
    private final AddressPrefix prefixes;
    private final int ttlSeconds;
    private long registrations;

    /** Longest TTL: ages are kept modulo 2^15 seconds, with room for the sweep period. */
    public static final int MAX_TTL_SECONDS = 3 * 3600;

    /** A registry that counts registrations per IPv4 address and per IPv6 /64. */
    public ListenerRegistry(int ttlSeconds) {
        this(ttlSeconds, 32, 64);
    }

    /** A registry that counts registrations per IPv4 /{@code ipv4PrefixBits} and IPv6 /{@code ipv6PrefixBits} (1..64). */
    public ListenerRegistry(int ttlSeconds, int ipv4PrefixBits, int ipv6PrefixBits) {
        this.prefixes = new AddressPrefix(ipv4PrefixBits, ipv6PrefixBits);
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("listener TTL must be 1.." + MAX_TTL_SECONDS + " seconds, not "
                    + ttlSeconds);
        }
        this.ttlSeconds = ttlSeconds;
    }

    /**
     * Registers or renews {@code listener} as a listener of {@code id} at second {@code nowSeconds}.
     * A sender with port 0 cannot be answered and is not registered (key 0 is the empty slot).
     */
    public void register(String id, InetSocketAddress listener, int nowSeconds) {
        register(id, listener, nowSeconds, Integer.MAX_VALUE);
    }

    /**
     * As {@link #register(String, InetSocketAddress, int)}, refusing a new registration when the listener's
     * address prefix already holds {@code maxPerPrefix}; renewals always pass. Returns false when refused.
     */
    public boolean register(String id, InetSocketAddress listener, int nowSeconds, int maxPerPrefix) {
        return register(id, listener, nowSeconds, maxPerPrefix, Long.MAX_VALUE);
    }

    /**
     * As {@link #register(String, InetSocketAddress, int, int)}, also refusing a new registration when
     * {@code maxTotal} registrations are held. A refused registration leaves nothing behind.
     */
    public boolean register(String id, InetSocketAddress listener, int nowSeconds, int maxPerPrefix, long maxTotal) {
        if (listener.getPort() == 0) {
            return true;
        }
        ListenerSet set = byId.get(id);
        long found = endpoints.find(listener);
        if (set == null || found == 0 || !set.contains(found)) {
            if (registrations >= maxTotal) {
                return false;
            }
            Map<Long, Integer> counts = prefixCounts(listener.getAddress());
            if (counts.getOrDefault(prefix(listener.getAddress()), 0) >= maxPerPrefix) {
                return false;
            }
        }
        long key = found != 0 ? found : endpoints.encode(listener);
        if (set == null) {
            set = new ListenerSet();
            byId.put(id, set);
        }
        if (set.renew(key, nowSeconds)) {
            endpoints.retain(key);
            prefixCounts(listener.getAddress()).merge(prefix(listener.getAddress()), 1, Integer::sum);
            registrations++;
        }
        return true;
    }

    private Map<Long, Integer> prefixCounts(InetAddress address) {
        return AddressPrefix.isIpv4(address) ? perIpv4Prefix : perIpv6Prefix;
    }

    private long prefix(InetAddress address) {
        return prefixes.of(address);
    }

    /** Whether {@code listener} is registered for {@code id} (alive or not yet dropped). */
    public boolean isRegistered(String id, InetSocketAddress listener) {
        ListenerSet set = byId.get(id);
        if (set == null) {
            return false;
        }
        long key = endpoints.find(listener);
        return key != 0 && set.contains(key);
    }

    private void released(long key) {
        InetAddress address = endpoints.decode(key).getAddress();
        prefixCounts(address).computeIfPresent(prefix(address), (p, n) -> n == 1 ? null : n - 1);
        endpoints.release(key);
    }

    /** Calls {@code action} with every live listener of {@code id}; drops the expired ones. */
    public void forEachListener(String id, int nowSeconds, Consumer<InetSocketAddress> action) {
        ListenerSet set = byId.get(id);
        if (set == null) {
            return;
        }
        registrations -= set.forEachAlive(nowSeconds, ttlSeconds, key -> action.accept(endpoints.decode(key)),
                this::released);
        if (set.size() == 0) {
            byId.remove(id);
        }
    }

    /**
     * Calls {@code action} with a page of the live listeners of {@code id}: {@code limit} at most, after the
     * first {@code offset}, in an order that holds while the id's listeners do not change. Changes nothing.
     * <p>
     * Paging is by offset, costing a scan of up to about 8 x (offset + limit) slots of the id's table
     * (see {@code ListenerSet.page}): the table could give a cursor (a slot index, costing about 8 x limit),
     * but it is rehashed when it grows or shrinks, which moves every entry, so a cursor kept across a resize
     * would skip or repeat listeners at random, and a page could not be reached by its number. The last page
     * of an id with 100,000 listeners is one scan of its 256K-slot table (timed in BENCHMARKS.md, #17).
     */
    public void forEachListener(String id, int nowSeconds, long offset, int limit,
                                Consumer<InetSocketAddress> action) {
        ListenerSet set = byId.get(id);
        if (set != null) {
            set.page(nowSeconds, ttlSeconds, offset, limit, key -> action.accept(endpoints.decode(key)));
        }
    }

    /** Registrations held for {@code id}, in O(1): the live ones and those expired since the last sweep. */
    public int listenerCount(String id) {
        ListenerSet set = byId.get(id);
        return set == null ? 0 : set.size();
    }

    /** Drops every expired registration; returns how many. */
    public long sweep(int nowSeconds) {
        long removed = 0;
        for (Iterator<ListenerSet> it = byId.values().iterator(); it.hasNext(); ) {
            ListenerSet set = it.next();
            removed += set.forEachAlive(nowSeconds, ttlSeconds, key -> { }, this::released);
            if (set.size() == 0) {
                it.remove();
            }
        }
        registrations -= removed;
        return removed;
    }

    /** Live and not yet swept registrations, (listener, id) pairs. */
    public long registrations() {
        return registrations;
    }

    /** IPv6 listener addresses currently known (each kept only while a registration uses it). */
    public int ipv6Addresses() {
        return endpoints.ipv6Addresses();
    }

    public int ttlSeconds() {
        return ttlSeconds;
    }
}
