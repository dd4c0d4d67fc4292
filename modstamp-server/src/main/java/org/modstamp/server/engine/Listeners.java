package org.modstamp.server.engine;

import java.net.InetSocketAddress;

import org.modstamp.security.Aead;
import org.modstamp.server.AbuseLimits;
import org.modstamp.server.ServerClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.registry.AddressPrefix;
import org.modstamp.server.registry.ListenerRegistry;

/**
 * Who hears what: registers the listeners of a key (an id, or a watch's) under the profile they first used, and
 * sends a datagram to every live listener of a key, sealed for those that registered through an aead profile and
 * capped per network for the others. Not thread-safe: the engine thread owns it.
 */
final class Listeners {
    private final ServerConfig config;
    private final ListenerRegistry registry;
    private final ServerStats stats;
    private final RequestOpener sealer;
    private final ServerClock clock;
    private final SignalRateLimiter signalLimiter;
    /** Endpoints that registered through an encrypted profile, and the keys they did: their Signals are sealed. */
    private final SealedListeners sealedListeners = new SealedListeners();

    Listeners(ServerConfig config, ListenerRegistry registry, ServerStats stats, RequestOpener sealer,
              int maxNetworks) {
        this.config = config;
        this.registry = registry;
        this.stats = stats;
        this.sealer = sealer;
        this.clock = config.clock();
        AbuseLimits limits = config.limits();
        this.signalLimiter = new SignalRateLimiter(limits.signalsPerSecondPerAddress(),
                new AddressPrefix(limits.ipv4PrefixBits(), limits.ipv6PrefixBits()), maxNetworks);
    }

    /**
     * Registers {@code sender} as a listener of {@code key}; its profile is fixed by its first registration: a plain
     * request from an endpoint registered through an aead profile is not registered, and an aead one for a key the
     * endpoint holds in plain does not make that registration sealed. False (counted) when it was not registered.
     */
    boolean register(String key, InetSocketAddress sender, int profileIndex, Aead.Opened opened, int now) {
        boolean sealed = opened != null;
        if (!sealed && sealedListeners.isSealed(sender, now, registry.ttlSeconds())) {
            stats.profileMismatch();
            return false;
        } else if (sealed && registry.isRegistered(key, sender) && !sealedListeners.isSealed(sender, key)) {
            stats.profileMismatch();
            return false;
        } else if (!registry.register(key, sender, now, config.limits().listenersPerAddress(),
                sealed ? config.limits().listeners() : config.limits().plainListeners())) {
            stats.listenerRefused();
            return false;
        }
        if (sealed) {
            sealedListeners.registered(sender, key, profileIndex, opened.keyIndex(), opened.sender(), now);
        }
        return true;
    }

    /** Registers the sender of {@code request} as a listener of {@code key}: see above. */
    boolean register(String key, Request request, int now) {
        return register(key, request.sender(), request.sealed() ? request.profileIndex() : -1, request.opened(), now);
    }

    /** {@code plain} to every live listener of {@code key}, {@code broadcastRepeat} times, sealed for the sealed ones. */
    void send(String key, byte[] plain, int now, Batch batch) {
        int repeat = config.broadcastRepeat();
        long nanos = clock.nanoTime();
        registry.forEachListener(key, now, listener -> {
            SealedListeners.Listener sealedFor = sealedListeners.get(listener, now, registry.ttlSeconds());
            if (sealedFor != null && !sealedFor.has(key)) {
                // a plain registration of an endpoint that now speaks aead: it gets nothing in cleartext
                stats.profileMismatch();
                return;
            }
            // the cap bounds what forged plain Queries can reflect at a victim: an authenticated Query
            // cannot be forged (nor replayed), so its sender's Signals are not capped
            if (sealedFor == null && !signalLimiter.allow(listener.getAddress(), repeat, nanos)) {
                stats.signalRateLimited();
                return;
            }
            stats.signalSent();
            byte[] datagram = sealedFor == null ? plain
                    : sealer.seal(sealedFor.profileIndex(), sealedFor.keyIndex(), plain, 0, sealedFor.sender());
            for (int i = 0; i < repeat; i++) {
                batch.outgoing.add(new OutgoingDatagram(listener, datagram));
            }
        });
    }

    /** Whether some listener of {@code key} is registered (live, or expired since the last sweep). */
    boolean isListened(String key) {
        return registry.listenerCount(key) > 0;
    }

    /** Networks whose Signals are capped now. */
    int cappedNetworks() {
        return signalLimiter.networks();
    }

    /** Drops expired registrations, and what only they used; returns how many registrations went. */
    long sweep(int now) {
        signalLimiter.sweep(clock.nanoTime());
        sealedListeners.sweep(now, registry.ttlSeconds());
        return registry.sweep(now);
    }
}
