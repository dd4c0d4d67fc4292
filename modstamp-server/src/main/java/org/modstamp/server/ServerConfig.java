package org.modstamp.server;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;

/**
 * How a server behaves on the wire. Defaults are the reference's: port 1415 on the dual-stack
 * wildcard address, replies of at most 1300 bytes, each Signal sent once, listeners kept 300 s,
 * rw for loopback senders and ro for everyone else.
 *
 * @param listen          address and port to bind; port 0 picks a free port
 * @param maxPacketSize   largest datagram the server sends, header included
 * @param broadcastRepeat how many times each Signal datagram is sent, back to back
 * @param listenerTtl     how long a Query keeps its sender registered as a listener
 * @param profiles        security profiles deciding what each sender may do
 * @param limits          what one source may cost (listeners, Signals, reply size)
 * @param clock           what every expiry, window and rate of the engine counts time by (the system's by
 *                        default; tests move one by hand)
 */
public record ServerConfig(InetSocketAddress listen, int maxPacketSize, int broadcastRepeat,
                           Duration listenerTtl, SecurityProfiles profiles, AbuseLimits limits, ServerClock clock) {
    public static final int DEFAULT_PORT = org.modstamp.protocol.Protocol.DEFAULT_PORT;
    /** Largest request read; a longer datagram is dropped as truncated. */
    public static final int MAX_REQUEST_SIZE = org.modstamp.protocol.Protocol.MAX_REQUEST_SIZE;

    public ServerConfig {
        if (listen == null) {
            throw new IllegalArgumentException("listen address is required");
        }
        DatagramPacker.checkMaxPacketSize(DatagramHeader.PLAIN, maxPacketSize);
        if (broadcastRepeat < 1 || broadcastRepeat > 10) {
            throw new IllegalArgumentException("broadcastRepeat must be 1..10, not " + broadcastRepeat);
        }
        if (listenerTtl == null || listenerTtl.toSeconds() < 1
                || listenerTtl.toSeconds() > ListenerRegistry.MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("listenerTtl must be 1.." + ListenerRegistry.MAX_TTL_SECONDS
                    + " seconds, not " + (listenerTtl == null ? null : listenerTtl.toSeconds()));
        }
        if (profiles == null || profiles.entries().isEmpty()) {
            throw new IllegalArgumentException("at least one security profile is required");
        }
        for (org.modstamp.security.SecurityProfile profile : profiles.entries()) {
            if (profile.type().isProtected()) {
                org.modstamp.security.Aead.checkMaxPacketSize(profile, maxPacketSize);
            }
        }
        limits = limits == null ? AbuseLimits.defaults() : limits;
        clock = clock == null ? ServerClock.system() : clock;
    }

    public static ServerConfig defaults() {
        return new ServerConfig(new InetSocketAddress("::", DEFAULT_PORT), DatagramPacker.DEFAULT_MAX_PACKET_SIZE,
                1, Duration.ofSeconds(300), SecurityProfiles.serverDefault(), AbuseLimits.defaults(),
                ServerClock.system());
    }

    public ServerConfig withListen(InetSocketAddress address) {
        return new ServerConfig(address, maxPacketSize, broadcastRepeat, listenerTtl, profiles, limits, clock);
    }

    public ServerConfig withMaxPacketSize(int size) {
        return new ServerConfig(listen, size, broadcastRepeat, listenerTtl, profiles, limits, clock);
    }

    public ServerConfig withBroadcastRepeat(int repeat) {
        return new ServerConfig(listen, maxPacketSize, repeat, listenerTtl, profiles, limits, clock);
    }

    public ServerConfig withListenerTtl(Duration ttl) {
        return new ServerConfig(listen, maxPacketSize, broadcastRepeat, ttl, profiles, limits, clock);
    }

    public ServerConfig withProfiles(SecurityProfiles newProfiles) {
        return new ServerConfig(listen, maxPacketSize, broadcastRepeat, listenerTtl, newProfiles, limits, clock);
    }

    public ServerConfig withLimits(AbuseLimits newLimits) {
        return new ServerConfig(listen, maxPacketSize, broadcastRepeat, listenerTtl, profiles, newLimits, clock);
    }

    public ServerConfig withClock(ServerClock newClock) {
        return new ServerConfig(listen, maxPacketSize, broadcastRepeat, listenerTtl, profiles, limits, newClock);
    }
}
