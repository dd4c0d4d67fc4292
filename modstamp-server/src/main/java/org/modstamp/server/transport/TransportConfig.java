package org.modstamp.server.transport;

/**
 * How the server's UDP port is served: which socket I/O, and how many sockets and threads. The engine's
 * settings ({@code ServerConfig}) know nothing of this; {@code ModstampServer} puts the two together.
 *
 * @param io      socket I/O: native epoll (batched system calls) where available, or NIO
 * @param threads sockets (SO_REUSEPORT) and threads serving the port; more than one spreads large fan-outs
 *                over the cores; epoll only. 0 means one per core (one with NIO)
 */
public record TransportConfig(IoKind io, int threads) {
    public TransportConfig {
        io = io == null ? IoKind.AUTO : io;
        checkThreads(threads);
        if (threads > 1 && io == IoKind.NIO) {
            throw new IllegalArgumentException("ioThreads " + threads + " needs epoll (SO_REUSEPORT sockets); "
                    + "with NIO use 1");
        }
    }

    /** {@code threads} if it is 0 (one per core) .. 64; fails otherwise. */
    public static int checkThreads(int threads) {
        if (threads < 0 || threads > 64) {
            throw new IllegalArgumentException("ioThreads must be 0 (one per core) .. 64, not " + threads);
        }
        return threads;
    }

    /** Epoll where available, else NIO; one socket and thread. */
    public static TransportConfig defaults() {
        return new TransportConfig(IoKind.AUTO, 1);
    }

    public TransportConfig withIo(IoKind kind) {
        return new TransportConfig(kind, threads);
    }

    public TransportConfig withThreads(int count) {
        return new TransportConfig(io, count);
    }

    /** The number of I/O threads to run here: {@code threads}, or one per core (one with NIO) for 0. */
    public int effectiveThreads() {
        if (threads > 0) {
            return threads;
        }
        return io.resolve() == IoKind.EPOLL ? Runtime.getRuntime().availableProcessors() : 1;
    }
}
