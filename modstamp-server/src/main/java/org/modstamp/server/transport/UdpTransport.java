package org.modstamp.server.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.modstamp.server.engine.OutgoingDatagram;

/**
 * The server's UDP port, served by Netty (native epoll with recvmmsg and sendmmsg on Linux, NIO
 * elsewhere or when asked).
 *
 * <p>One socket and its event-loop thread are the <em>engine</em>: every datagram is handed to the
 * {@link DatagramSink} on that thread, so the sink needs no locking. Datagrams read together are handed
 * over one by one, then {@link DatagramSink#flush()} returns everything to send, which goes out in one
 * flush. With {@code threads > 1} (epoll only) more sockets are bound to the same port with
 * SO_REUSEPORT, each on its own thread: the kernel spreads incoming datagrams over them and they pass
 * theirs to the engine thread, and a large fan-out (many datagrams of the same bytes in a row) is split
 * between all sockets, sent in parallel from the same port, and waited for before anything after it
 * is sent, so that Signals still leave before the M that follows them.
 *
 * <p>The IPv6 wildcard ({@code [::]}, the default) is served, with epoll, by two sockets per thread: an IPv4 one
 * on {@code 0.0.0.0} and an IPv6-only one ({@code IPV6_V6ONLY}) on {@code [::]}, both on the engine's threads.
 * A dual-stack socket would hand real IPv4 traffic and an IPv6 datagram forged with an IPv4-mapped source
 * ({@code ::ffff:127.0.0.1}) to the server as the same IPv4 sender, and such a datagram would then pass for a
 * loopback peer; on the IPv6-only socket a source that is an IPv4 address can only be forged, and it is
 * dropped and counted ({@link #mappedSourcesDropped()}). NIO keeps one dual-stack socket: Java cannot make an
 * IPv6-only one. An IPv4 address (such as {@code 127.0.0.1}) is served, with epoll, by IPv4 sockets.
 *
 * <p>With epoll the datagrams of each flush are handed to the socket's {@code sendmmsg} directly
 * ({@code DirectDatagrams}), not through Netty's outbound buffer, which takes only what the socket's send buffer
 * did not.
 */
public final class UdpTransport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UdpTransport.class.getName());

    /** Told how long each flush took to hand its datagrams to the kernel (engine thread). */
    public interface SendObserver {
        void sent(int datagrams, long nanos);
    }

    /** What the transport feeds: the engine. Called on the engine thread only. */
    public interface DatagramSink {
        void receive(InetSocketAddress sender, ByteBuffer datagram);

        List<OutgoingDatagram> flush();
    }

    private final EventLoopGroup group;
    private final List<Channel> channels;
    private final SocketEngine engine;
    private final InetSocketAddress local;

    private UdpTransport(EventLoopGroup group, List<Channel> channels, SocketEngine engine, InetSocketAddress local) {
        this.group = group;
        this.channels = channels;
        this.engine = engine;
        this.local = local;
    }

    /** A thread factory for plain Java use (an application server passes its ManagedThreadFactory). */
    public static ThreadFactory defaultThreadFactory() {
        return new DefaultThreadFactory("modstamp-udp");
    }

    /**
     * Runs {@code task} on the engine thread, then sends what the sink has to send, and returns the task's result,
     * waiting at most 10 s. Throws IllegalStateException at once when called on the engine thread (it would wait
     * for itself); IOException when the task failed with a checked exception (its cause) or the engine did not
     * answer in time; an unchecked exception of the task as it is.
     */
    public <T> T call(Callable<T> task) throws IOException {
        EventLoop engineThread = channels.get(0).eventLoop();
        if (engineThread.inEventLoop()) {
            throw new IllegalStateException("UdpTransport.call on the engine thread would wait for itself");
        }
        try {
            return engineThread.submit(() -> {
                try {
                    return task.call();
                } finally {
                    engine.flush();
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the engine thread did not answer within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the engine thread");
        }
    }

    /**
     * Binds {@code address} (port 0 picks a free port) with {@code threads} sockets per address family and starts
     * serving; fails clearly if it can't.
     */
    public static UdpTransport bind(InetSocketAddress address, IoKind io, int threads, int maxDatagramSize,
                                    DatagramSink sink, ThreadFactory threadFactory, SendObserver observer)
            throws IOException {
        boolean epoll = io.resolve() == IoKind.EPOLL;
        if (threads < 1 || (threads > 1 && !epoll)) {
            throw new IllegalArgumentException("threads must be 1, or more with epoll, not " + threads);
        }
        IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, threadFactory, handlers);
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(executor -> loops.add((EventLoop) executor));
        List<Channel> channels = new ArrayList<>();
        address = ipv4IfPreferred(address);
        try {
            if (threads > 1) {
                address = probe(address); // SO_REUSEPORT would let us share a port another server holds
            }
            SocketEngine engine = new SocketEngine(sink, maxDatagramSize, observer);
            boolean split = epoll && address.getAddress() instanceof Inet6Address && address.getAddress().isAnyLocalAddress();
            // an IPv4 address gets an IPv4 socket: Netty's default one is IPv6 (dual-stack), whose every datagram to an
            // IPv4 peer takes the kernel's IPv6 path first
            SocketProtocolFamily family = split || address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET
                    : null;
            PortSockets first = PortSockets.bind(split ? new InetSocketAddress("0.0.0.0", address.getPort()) : address,
                    family, loops, engine, epoll, maxDatagramSize);
            channels.addAll(first.all());
            engine.add(first);
            InetSocketAddress bound = new InetSocketAddress(address.getAddress(), first.port());
            if (split) {
                PortSockets ipv6 = ipv6Only(bound, loops, engine, maxDatagramSize);
                if (ipv6 != null) {
                    channels.addAll(ipv6.all());
                    engine.add(ipv6);
                }
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "bound " + bound + " with " + channels.size() + " socket(s), "
                    + (epoll ? "epoll" : "nio"));
            return new UdpTransport(group, List.copyOf(channels), engine, bound);
        } catch (Exception e) {
            channels.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot bind UDP " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * The IPv6-only sockets of {@code address}, or null (logged) when the host has no IPv6; when it has, a failure
     * (the port taken for IPv6) fails the bind.
     */
    private static PortSockets ipv6Only(InetSocketAddress address, List<EventLoop> loops, SocketEngine engine,
                                    int maxDatagramSize) throws Exception {
        if (!hostHasIpv6()) {
            LOG.log(System.Logger.Level.INFO, "no IPv6 on this host: " + address + " serves IPv4 only");
            return null;
        }
        return PortSockets.bind(address, SocketProtocolFamily.INET6, loops, engine, true, maxDatagramSize);
    }

    /** Whether this host can bind an IPv6 socket (a kernel without IPv6, or with it disabled, cannot). */
    private static boolean hostHasIpv6() {
        try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open(
                java.net.StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress("::1", 0));
            return true;
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }

    /**
     * The IPv4 wildcard instead of the dual-stack one when the JVM runs with java.net.preferIPv4Stack=true
     * (as Payara Micro does): its sockets are IPv4 only and cannot bind [::].
     */
    private static InetSocketAddress ipv4IfPreferred(InetSocketAddress address) {
        if (Boolean.getBoolean("java.net.preferIPv4Stack") && address.getAddress() instanceof java.net.Inet6Address
                && address.getAddress().isAnyLocalAddress()) {
            LOG.log(System.Logger.Level.INFO, "java.net.preferIPv4Stack is set: binding 0.0.0.0 (IPv4 only) instead of [::]");
            return new InetSocketAddress("0.0.0.0", address.getPort());
        }
        return address;
    }

    /** Binds and closes a plain socket: fails when the port is taken; resolves port 0 to a free port. */
    private static InetSocketAddress probe(InetSocketAddress address) throws IOException {
        try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open()) {
            probe.bind(address);
            return new InetSocketAddress(address.getAddress(), ((InetSocketAddress) probe.getLocalAddress()).getPort());
        }
    }

    /** Datagrams dropped because they reached the IPv6-only socket with an IPv4-mapped (forged) source. */
    public long mappedSourcesDropped() {
        return engine.mappedDropped.get();
    }

    /** The address served: as asked, with the port bound. */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** Runs {@code task} on the engine thread every {@code periodSeconds}. */
    public void every(long periodSeconds, Runnable task) {
        channels.get(0).eventLoop().scheduleAtFixedRate(task, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    }

    /** Runs {@code task} on the engine thread every {@code periodMillis}, then sends what the sink has to send. */
    public void everyMillis(long periodMillis, Runnable task) {
        channels.get(0).eventLoop().scheduleAtFixedRate(() -> {
            task.run();
            engine.flush();
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Closes the sockets and stops the threads, waiting at most a few seconds. */
    @Override
    public void close() {
        channels.forEach(c -> c.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
