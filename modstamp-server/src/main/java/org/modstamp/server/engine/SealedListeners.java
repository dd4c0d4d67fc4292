package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Endpoints that registered as listeners through an aead profile, each with the ids it registered that way
 * and whom to seal its Signals for. An endpoint stays here for the listener TTL after its last sealed Query,
 * as long as any registration it made can live, so its Signals are never sent in cleartext. Entries are made
 * only for authenticated, fresh Queries that the registry accepted, so its size is bounded by the registry's.
 * Not thread-safe: the engine thread owns it.
 */
final class SealedListeners {
    /** One sealed endpoint: the profile entry and key its Queries came with, its sender id, its ids. */
    static final class Listener {
        private final Map<String, Integer> ids = new HashMap<>();
        private int profileIndex;
        private int keyIndex;
        private byte[] sender;
        private int lastQuery;

        int profileIndex() {
            return profileIndex;
        }

        int keyIndex() {
            return keyIndex;
        }

        byte[] sender() {
            return sender;
        }

        /** Whether {@code id} was registered through the aead profile (not in plain). */
        boolean has(String id) {
            return ids.containsKey(id);
        }
    }

    private final Map<InetSocketAddress, Listener> byEndpoint = new HashMap<>();

    /** {@code endpoint} registered {@code id} with a sealed Query at second {@code now}. */
    void registered(InetSocketAddress endpoint, String id, int profileIndex, int keyIndex, byte[] sender, int now) {
        Listener listener = byEndpoint.computeIfAbsent(endpoint, e -> new Listener());
        listener.profileIndex = profileIndex;
        listener.keyIndex = keyIndex;
        listener.sender = sender;
        listener.lastQuery = now;
        listener.ids.put(id, now);
    }

    /** The sealed listener at {@code endpoint}, if one registered within the last {@code ttl} seconds. */
    Listener get(InetSocketAddress endpoint, int now, int ttl) {
        if (byEndpoint.isEmpty()) {
            return null; // a plain-only server: no hash of the address for every Query and every Signal
        }
        Listener listener = byEndpoint.get(endpoint);
        return listener != null && now - listener.lastQuery <= ttl ? listener : null;
    }

    boolean isSealed(InetSocketAddress endpoint, int now, int ttl) {
        return get(endpoint, now, ttl) != null;
    }

    /** Whether {@code endpoint} registered {@code id} through an aead profile (alive or not). */
    boolean isSealed(InetSocketAddress endpoint, String id) {
        Listener listener = byEndpoint.get(endpoint);
        return listener != null && listener.has(id);
    }

    /** Forgets what no registration can still use. */
    void sweep(int now, int ttl) {
        byEndpoint.values().removeIf(l -> {
            l.ids.values().removeIf(second -> now - second > ttl);
            return now - l.lastQuery > ttl;
        });
    }

    int size() {
        return byEndpoint.size();
    }
}
