package org.modstamp.server.transport;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.modstamp.net.Addresses;
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
 * IPv6-only one.
 */
public final class UdpTransport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UdpTransport.class.getName());
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final int DATAGRAMS_PER_READ = 32;
    /** A run of identical datagrams at least this long is sent from all sockets in parallel. */
    private static final int PARALLEL_RUN = 1024;
    private static final long PARALLEL_SEND_TIMEOUT_SECONDS = 10;

    /** Told how long each flush took to hand its datagrams to the kernel (engine thread). */
    public interface SendObserver {
        void sent(int datagrams, long nanos);
    }

    /** What the transport feeds: the engine. Called on the engine thread only. */
    public interface DatagramSink {
        void receive(InetSocketAddress sender, ByteBuffer datagram);

        List<OutgoingDatagram> flush();
    }

    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final IntegerUnixChannelOption V6_ONLY =
            new IntegerUnixChannelOption("IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY);

    private final EventLoopGroup group;
    private final List<Channel> channels;
    private final Engine engine;
    private final InetSocketAddress local;

    private UdpTransport(EventLoopGroup group, List<Channel> channels, Engine engine, InetSocketAddress local) {
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
     * Runs {@code task} on the engine thread, then sends what the sink has to send, and returns the
     * task's result (waiting at most 10 s).
     */
    public <T> T call(Callable<T> task) throws Exception {
        return channels.get(0).eventLoop().submit(() -> {
            try {
                return task.call();
            } finally {
                engine.flush();
            }
        }).get(10, TimeUnit.SECONDS);
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
            Engine engine = new Engine(sink, maxDatagramSize, observer);
            boolean split = epoll && address.getAddress() instanceof Inet6Address && address.getAddress().isAnyLocalAddress();
            Sockets first = Sockets.bind(split ? new InetSocketAddress("0.0.0.0", address.getPort()) : address,
                    split ? SocketProtocolFamily.INET : null, loops, engine, epoll, maxDatagramSize);
            channels.addAll(first.all());
            engine.add(first);
            InetSocketAddress bound = new InetSocketAddress(address.getAddress(), first.port());
            if (split) {
                Sockets ipv6 = ipv6Only(bound, loops, engine, maxDatagramSize);
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

    /** The IPv6-only sockets of {@code address}, or null (logged) when the host has no IPv6. */
    private static Sockets ipv6Only(InetSocketAddress address, List<EventLoop> loops, Engine engine,
                                    int maxDatagramSize) throws Exception {
        try {
            return Sockets.bind(address, SocketProtocolFamily.INET6, loops, engine, true, maxDatagramSize);
        } catch (Exception e) {
            if (e instanceof java.net.SocketException && String.valueOf(e.getMessage()).contains("in use")) {
                throw e;
            }
            LOG.log(System.Logger.Level.INFO, "no IPv6 socket on " + address + " (" + e.getMessage()
                    + "): serving IPv4 only");
            return null;
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

    private static Bootstrap bootstrap(boolean epoll, SocketProtocolFamily family, boolean reusePort,
                                       int maxDatagramSize) {
        ChannelFactory<DatagramChannel> factory = !epoll ? NioDatagramChannel::new
                : family == null ? EpollDatagramChannel::new : () -> new EpollDatagramChannel(family);
        Bootstrap bootstrap = new Bootstrap()
                .channelFactory(factory)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(
                        epoll ? (maxDatagramSize + 1) * DATAGRAMS_PER_READ : maxDatagramSize + 1));
        if (epoll) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxDatagramSize + 1);
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, reusePort);
        }
        if (family == SocketProtocolFamily.INET6) {
            bootstrap.option(V6_ONLY, 1);
        }
        return bootstrap;
    }

    /**
     * The sockets of one address: the engine's own on the engine thread (the first loop), and one more per other
     * loop with SO_REUSEPORT, which pass what they read to the engine thread.
     */
    private record Sockets(Channel own, List<Channel> helpers, boolean ipv6Only) {
        static Sockets bind(InetSocketAddress address, SocketProtocolFamily family, List<EventLoop> loops,
                            Engine engine, boolean epoll, int maxDatagramSize) throws InterruptedException {
            boolean ipv6Only = family == SocketProtocolFamily.INET6;
            Bootstrap bootstrap = bootstrap(epoll, family, loops.size() > 1, maxDatagramSize);
            Channel own = bootstrap.clone(loops.get(0)).handler(engine.reader(ipv6Only))
                    .bind(address).sync().channel();
            List<Channel> helpers = new ArrayList<>();
            InetSocketAddress bound = (InetSocketAddress) own.localAddress();
            try {
                for (EventLoop loop : loops.subList(1, loops.size())) {
                    helpers.add(bootstrap.clone(loop).handler(new Forwarder(engine, loops.get(0), maxDatagramSize, ipv6Only))
                            .bind(bound).sync().channel());
                }
            } catch (InterruptedException | RuntimeException e) {
                own.close();
                helpers.forEach(Channel::close);
                throw e;
            }
            return new Sockets(own, List.copyOf(helpers), ipv6Only);
        }

        int port() {
            return ((InetSocketAddress) own.localAddress()).getPort();
        }

        List<Channel> all() {
            List<Channel> all = new ArrayList<>(List.of(own));
            all.addAll(helpers);
            return all;
        }
    }

    /**
     * Whether a datagram read on an IPv6-only socket claims an IPv4 source: only a forged IPv4-mapped address
     * ({@code ::ffff:a.b.c.d}) can, which the JDK and Netty hand over as an IPv4 address.
     */
    static boolean forgedOnIpv6Only(InetSocketAddress sender) {
        return Addresses.isIpv4(sender.getAddress());
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

    /** Closes the sockets and stops the threads, waiting at most a few seconds. */
    @Override
    public void close() {
        channels.forEach(c -> c.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Whether a datagram read is dropped before the engine sees it: too long, or a forged source. */
    private static boolean refused(DatagramPacket packet, int maxDatagramSize, boolean ipv6Only, AtomicLong mappedDropped) {
        if (packet.content().readableBytes() > maxDatagramSize) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a datagram from " + packet.sender()
                    + " longer than " + maxDatagramSize + " bytes");
            return true;
        }
        if (ipv6Only && forgedOnIpv6Only(packet.sender())) {
            mappedDropped.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a datagram with the IPv4-mapped source "
                    + packet.sender() + " from the IPv6-only socket");
            return true;
        }
        return false;
    }

    /**
     * The engine: feeds the sink with what its sockets read (and what the helpers pass on) and sends what the sink
     * returns, each datagram from the socket of its recipient's address family. Runs on the engine thread.
     */
    private static final class Engine {
        private final DatagramSink sink;
        private final int maxDatagramSize;
        private final SendObserver observer;
        final AtomicLong mappedDropped = new AtomicLong();
        /** The IPv4 (or only) sockets, then the IPv6-only ones when the wildcard is split; set while binding. */
        private volatile Sockets first;
        private volatile Sockets ipv6Only;

        Engine(DatagramSink sink, int maxDatagramSize, SendObserver observer) {
            this.sink = sink;
            this.maxDatagramSize = maxDatagramSize;
            this.observer = observer;
        }

        void add(Sockets sockets) {
            if (sockets.ipv6Only()) {
                ipv6Only = sockets;
            } else {
                first = sockets;
            }
        }

        /** The handler of an engine-thread socket. */
        ChannelInboundHandlerAdapter reader(boolean fromIpv6Only) {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    DatagramPacket packet = (DatagramPacket) msg;
                    try {
                        if (!refused(packet, maxDatagramSize, fromIpv6Only, mappedDropped)) {
                            sink.receive(packet.sender(), packet.content().nioBuffer());
                        }
                    } finally {
                        packet.release();
                    }
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    flush();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    LOG.log(System.Logger.Level.WARNING, "UDP socket error (the server keeps serving)", cause);
                }
            };
        }

        /** Handles datagrams another socket read (engine thread); every packet is released, whatever happens. */
        void receiveForwarded(List<DatagramPacket> packets) {
            try {
                for (DatagramPacket packet : packets) {
                    try {
                        sink.receive(packet.sender(), packet.content().nioBuffer());
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "handling a datagram from " + packet.sender() + " failed", e);
                    }
                }
            } finally {
                packets.forEach(DatagramPacket::release);
                flush();
            }
        }

        /** The sockets a datagram to {@code recipient} leaves from. */
        private Sockets socketsFor(InetSocketAddress recipient) {
            Sockets six = ipv6Only;
            return six != null && recipient.getAddress() instanceof Inet6Address ? six : first;
        }

        /**
         * Sends what the sink returns, in order: a socket is flushed before a datagram leaves from the other
         * family's, and a fan-out is sent whole before what follows it.
         */
        void flush() {
            List<OutgoingDatagram> datagrams = sink.flush();
            if (datagrams.isEmpty()) {
                return;
            }
            long start = System.nanoTime();
            int i = 0;
            Channel unflushed = null;
            while (i < datagrams.size()) {
                int end = endOfRun(datagrams, i);
                List<OutgoingDatagram> run = datagrams.subList(i, end);
                if (end - i >= PARALLEL_RUN) {
                    if (unflushed != null) {
                        unflushed.flush();
                        unflushed = null;
                    }
                    sendFanOut(run);
                } else {
                    int from = 0;
                    while (from < run.size()) { // the run in stretches of one socket's recipients
                        Channel own = socketsFor(run.get(from).recipient()).own();
                        int to = from + 1;
                        while (to < run.size() && socketsFor(run.get(to).recipient()).own() == own) {
                            to++;
                        }
                        if (unflushed != null && unflushed != own) {
                            unflushed.flush();
                        }
                        write(own, run.subList(from, to));
                        unflushed = own;
                        from = to;
                    }
                }
                i = end;
            }
            if (unflushed != null) {
                unflushed.flush();
            }
            observer.sent(datagrams.size(), System.nanoTime() - start);
            if (datagrams.size() >= PARALLEL_RUN) {
                LOG.log(System.Logger.Level.DEBUG, () -> String.format("sent %d datagrams in %.1f ms",
                        datagrams.size(), (System.nanoTime() - start) / 1e6));
            }
        }

        /** A large fan-out: each family's share from all of that family's sockets at once, waited for. */
        private void sendFanOut(List<OutgoingDatagram> run) {
            Sockets six = ipv6Only;
            if (six == null) {
                sendInParallel(first, run);
                return;
            }
            List<OutgoingDatagram> toIpv4 = new ArrayList<>();
            List<OutgoingDatagram> toIpv6 = new ArrayList<>();
            for (OutgoingDatagram datagram : run) {
                (socketsFor(datagram.recipient()) == six ? toIpv6 : toIpv4).add(datagram);
            }
            for (List<OutgoingDatagram> share : List.of(toIpv4, toIpv6)) {
                if (!share.isEmpty()) {
                    sendInParallel(share == toIpv6 ? six : first, share);
                }
            }
        }

        /** Sends a fan-out from every socket of {@code sockets} at once, and returns when all of it has been sent. */
        private static void sendInParallel(Sockets sockets, List<OutgoingDatagram> run) {
            Channel own = sockets.own();
            List<Channel> others = sockets.helpers();
            int parts = 1 + others.size();
            CountDownLatch sent = new CountDownLatch(others.size());
            for (int p = 1; p < parts; p++) {
                Channel channel = others.get(p - 1);
                List<OutgoingDatagram> share = run.subList(run.size() * p / parts, run.size() * (p + 1) / parts);
                try {
                    channel.eventLoop().execute(() -> {
                        write(channel, share).addListener(done -> sent.countDown());
                        channel.flush();
                    });
                } catch (RejectedExecutionException e) { // shutting down
                    sent.countDown();
                }
            }
            write(own, run.subList(0, run.size() / parts));
            own.flush();
            try {
                if (!sent.await(PARALLEL_SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.log(System.Logger.Level.WARNING, "a parallel fan-out took more than "
                            + PARALLEL_SEND_TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static int endOfRun(List<OutgoingDatagram> datagrams, int from) {
            byte[] bytes = datagrams.get(from).bytes();
            int end = from + 1;
            while (end < datagrams.size() && datagrams.get(end).bytes() == bytes) {
                end++;
            }
            return end;
        }

        /**
         * Writes datagrams of the same bytes from one native buffer, not flushed; the future completes
         * when the last one has been sent (or has failed, which is logged).
         */
        private static ChannelFuture write(Channel channel, List<OutgoingDatagram> run) {
            byte[] bytes = run.get(0).bytes();
            ByteBuf shared = channel.alloc().directBuffer(bytes.length).writeBytes(bytes);
            try {
                int last = run.size() - 1;
                for (int i = 0; i < last; i++) {
                    channel.write(new DatagramPacket(shared.retainedDuplicate(), run.get(i).recipient()),
                            channel.voidPromise());
                }
                return channel.write(new DatagramPacket(shared.retainedDuplicate(), run.get(last).recipient()));
            } finally {
                shared.release();
            }
        }
    }

    /** Another socket's handler: passes what it reads to the engine thread, a read's worth at a time. */
    private static final class Forwarder extends ChannelInboundHandlerAdapter {
        private final Engine engine;
        private final EventLoop engineLoop;
        private final int maxDatagramSize;
        private final boolean ipv6Only;
        private List<DatagramPacket> pending = new ArrayList<>();

        Forwarder(Engine engine, EventLoop engineLoop, int maxDatagramSize, boolean ipv6Only) {
            this.engine = engine;
            this.engineLoop = engineLoop;
            this.maxDatagramSize = maxDatagramSize;
            this.ipv6Only = ipv6Only;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            if (refused(packet, maxDatagramSize, ipv6Only, engine.mappedDropped)) {
                packet.release();
            } else {
                pending.add(packet);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!pending.isEmpty()) {
                List<DatagramPacket> batch = pending;
                pending = new ArrayList<>();
                try {
                    engineLoop.execute(() -> engine.receiveForwarded(batch));
                } catch (RejectedExecutionException e) { // shutting down
                    batch.forEach(DatagramPacket::release);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.WARNING, "UDP socket error (the server keeps serving)", cause);
        }
    }
}
