package org.modstamp.server.registry;

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
    /** Registrations per IP address (the endpoint key without its port). */
    private final Map<Long, Integer> perAddress = new HashMap<>();
    private final int ttlSeconds;
    private long registrations;

    /** Longest TTL: ages are kept modulo 2^15 seconds, with room for the sweep period. */
    public static final int MAX_TTL_SECONDS = 3 * 3600;

    public ListenerRegistry(int ttlSeconds) {
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
     * IP address already holds {@code maxPerAddress}; renewals always pass. Returns false when refused.
     */
    public boolean register(String id, InetSocketAddress listener, int nowSeconds, int maxPerAddress) {
        if (listener.getPort() == 0) {
            return true;
        }
        long key = endpoints.encode(listener);
        ListenerSet set = byId.get(id);
        if ((set == null || !set.contains(key)) && perAddress.getOrDefault(key >>> 16, 0) >= maxPerAddress) {
            return false;
        }
        if (set == null) {
            set = new ListenerSet();
            byId.put(id, set);
        }
        if (set.renew(key, nowSeconds)) {
            endpoints.retain(key);
            perAddress.merge(key >>> 16, 1, Integer::sum);
            registrations++;
        }
        return true;
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
        endpoints.release(key);
        perAddress.computeIfPresent(key >>> 16, (address, n) -> n == 1 ? null : n - 1);
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
