package org.modstamp.server;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.transport.IoKind;
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
 * @param io              socket I/O: native epoll (batched system calls) where available, or NIO
 * @param ioThreads       sockets (SO_REUSEPORT) and threads serving the port; more than one spreads large
 *                        fan-outs over the cores; epoll only. 0 means one per core (one with NIO)
 * @param limits          what one source may cost (listeners, Signals, reply size)
 */
public record ServerConfig(InetSocketAddress listen, int maxPacketSize, int broadcastRepeat,
                           Duration listenerTtl, SecurityProfiles profiles, IoKind io, int ioThreads,
                           AbuseLimits limits) {
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
        io = io == null ? IoKind.AUTO : io;
        limits = limits == null ? AbuseLimits.defaults() : limits;
        checkIoThreads(ioThreads);
        if (ioThreads > 1 && io == IoKind.NIO) {
            throw new IllegalArgumentException("ioThreads " + ioThreads + " needs epoll (SO_REUSEPORT sockets); "
                    + "with NIO use 1");
        }
    }

    /** {@code ioThreads} if it is 0 (one per core) .. 64; fails otherwise. */
    public static int checkIoThreads(int ioThreads) {
        if (ioThreads < 0 || ioThreads > 64) {
            throw new IllegalArgumentException("ioThreads must be 0 (one per core) .. 64, not " + ioThreads);
        }
        return ioThreads;
    }

    public static ServerConfig defaults() {
        return new ServerConfig(new InetSocketAddress("::", DEFAULT_PORT), DatagramPacker.DEFAULT_MAX_PACKET_SIZE,
                1, Duration.ofSeconds(300), SecurityProfiles.serverDefault(), IoKind.AUTO, 1, AbuseLimits.defaults());
    }

    public ServerConfig withListen(InetSocketAddress address) {
        return new ServerConfig(address, maxPacketSize, broadcastRepeat, listenerTtl, profiles, io, ioThreads, limits);
    }

    public ServerConfig withMaxPacketSize(int size) {
        return new ServerConfig(listen, size, broadcastRepeat, listenerTtl, profiles, io, ioThreads, limits);
    }

    public ServerConfig withBroadcastRepeat(int repeat) {
        return new ServerConfig(listen, maxPacketSize, repeat, listenerTtl, profiles, io, ioThreads, limits);
    }

    public ServerConfig withListenerTtl(Duration ttl) {
        return new ServerConfig(listen, maxPacketSize, broadcastRepeat, ttl, profiles, io, ioThreads, limits);
    }

    public ServerConfig withProfiles(SecurityProfiles newProfiles) {
        return new ServerConfig(listen, maxPacketSize, broadcastRepeat, listenerTtl, newProfiles, io, ioThreads, limits);
    }

    public ServerConfig withIoThreads(int threads) {
        return new ServerConfig(listen, maxPacketSize, broadcastRepeat, listenerTtl, profiles, io, threads, limits);
    }

    /** The number of I/O threads to run here: {@code ioThreads}, or one per core (one with NIO) for 0. */
    public int effectiveIoThreads() {
        if (ioThreads > 0) {
            return ioThreads;
        }
        return io.resolve() == IoKind.EPOLL ? Runtime.getRuntime().availableProcessors() : 1;
    }

    public ServerConfig withLimits(AbuseLimits newLimits) {
        return new ServerConfig(listen, maxPacketSize, broadcastRepeat, listenerTtl, profiles, io, ioThreads, newLimits);
    }

    public ServerConfig withIo(IoKind kind) {
        return new ServerConfig(listen, maxPacketSize, broadcastRepeat, listenerTtl, profiles, kind, ioThreads, limits);
    }
}
