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
        if (listener.getPort() == 0) {
            return;
        }
        ListenerSet set = byId.computeIfAbsent(id, k -> new ListenerSet());
        long key = endpoints.encode(listener);
        if (set.renew(key, nowSeconds)) {
            endpoints.retain(key);
            registrations++;
        }
    }

    /** Calls {@code action} with every live listener of {@code id}; drops the expired ones. */
    public void forEachListener(String id, int nowSeconds, Consumer<InetSocketAddress> action) {
        ListenerSet set = byId.get(id);
        if (set == null) {
            return;
        }
        registrations -= set.forEachAlive(nowSeconds, ttlSeconds, key -> action.accept(endpoints.decode(key)),
                endpoints::release);
        if (set.size() == 0) {
            byId.remove(id);
        }
    }

    /** Drops every expired registration; returns how many. */
    public long sweep(int nowSeconds) {
        long removed = 0;
        for (Iterator<ListenerSet> it = byId.values().iterator(); it.hasNext(); ) {
            ListenerSet set = it.next();
            removed += set.forEachAlive(nowSeconds, ttlSeconds, key -> { }, endpoints::release);
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
