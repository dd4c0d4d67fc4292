package org.modstamp.server.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

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
import io.netty.channel.socket.nio.NioDatagramChannel;
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

    private final EventLoopGroup group;
    private final List<Channel> channels;
    private final Engine engine;

    private UdpTransport(EventLoopGroup group, List<Channel> channels, Engine engine) {
        this.group = group;
        this.channels = channels;
        this.engine = engine;
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
     * Binds {@code address} (port 0 picks a free port) with {@code threads} sockets and starts serving;
     * fails clearly if it can't.
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
        List<Channel> channels = new ArrayList<>();
        address = ipv4IfPreferred(address);
        try {
            if (threads > 1) {
                address = probe(address); // SO_REUSEPORT would let us share a port another server holds
            }
            Engine engine = new Engine(sink, maxDatagramSize, observer);
            Bootstrap bootstrap = bootstrap(group, epoll, threads > 1, maxDatagramSize);
            Channel first = bootstrap.clone().handler(engine).bind(address).sync().channel();
            channels.add(first);
            InetSocketAddress bound = (InetSocketAddress) first.localAddress();
            for (int i = 1; i < threads; i++) {
                channels.add(bootstrap.clone().handler(new Forwarder(engine, first.eventLoop(), maxDatagramSize))
                        .bind(bound).sync().channel());
            }
            engine.helpers = List.copyOf(channels.subList(1, channels.size()));
            LOG.log(System.Logger.Level.DEBUG, () -> "bound " + bound + " with " + threads + " socket(s), "
                    + (epoll ? "epoll" : "nio"));
            return new UdpTransport(group, List.copyOf(channels), engine);
        } catch (Exception e) {
            channels.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot bind UDP " + address + ": " + e.getMessage(), e);
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

    private static Bootstrap bootstrap(EventLoopGroup group, boolean epoll, boolean reusePort, int maxDatagramSize) {
        ChannelFactory<DatagramChannel> factory = epoll ? EpollDatagramChannel::new : NioDatagramChannel::new;
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channelFactory(factory)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(
                        epoll ? (maxDatagramSize + 1) * DATAGRAMS_PER_READ : maxDatagramSize + 1));
        if (epoll) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxDatagramSize + 1);
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, reusePort);
        }
        return bootstrap;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channels.get(0).localAddress();
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

    private static boolean tooLong(DatagramPacket packet, int maxDatagramSize) {
        if (packet.content().readableBytes() > maxDatagramSize) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a datagram from " + packet.sender()
                    + " longer than " + maxDatagramSize + " bytes");
            return true;
        }
        return false;
    }

    /** The engine socket's handler: feeds the sink and sends what it returns. */
    private static final class Engine extends ChannelInboundHandlerAdapter {
        private final DatagramSink sink;
        private final int maxDatagramSize;
        private final SendObserver observer;
        /** The engine's own socket, known from the moment the handler is added (before any read). */
        private volatile Channel engine;
        /** The other sockets of the port, set once all are bound; empty until then. */
        volatile List<Channel> helpers = List.of();

        Engine(DatagramSink sink, int maxDatagramSize, SendObserver observer) {
            this.sink = sink;
            this.maxDatagramSize = maxDatagramSize;
            this.observer = observer;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            engine = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                if (!tooLong(packet, maxDatagramSize)) {
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

        void flush() {
            List<OutgoingDatagram> datagrams = sink.flush();
            if (datagrams.isEmpty()) {
                return;
            }
            Channel own = engine;
            List<Channel> others = helpers;
            long start = System.nanoTime();
            int i = 0;
            while (i < datagrams.size()) {
                int end = endOfRun(datagrams, i);
                if (end - i >= PARALLEL_RUN && !others.isEmpty()) {
                    own.flush();
                    sendInParallel(own, others, datagrams.subList(i, end));
                } else {
                    write(own, datagrams.subList(i, end));
                }
                i = end;
            }
            own.flush();
            observer.sent(datagrams.size(), System.nanoTime() - start);
            if (datagrams.size() >= PARALLEL_RUN) {
                LOG.log(System.Logger.Level.DEBUG, () -> String.format("sent %d datagrams in %.1f ms from %d socket(s)",
                        datagrams.size(), (System.nanoTime() - start) / 1e6, 1 + others.size()));
            }
        }

        /** Sends a fan-out from every socket at once, and returns when all of it has been sent. */
        private void sendInParallel(Channel own, List<Channel> others, List<OutgoingDatagram> run) {
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

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.WARNING, "UDP socket error (the server keeps serving)", cause);
        }
    }

    /** Another socket's handler: passes what it reads to the engine thread, a read's worth at a time. */
    private static final class Forwarder extends ChannelInboundHandlerAdapter {
        private final Engine engine;
        private final EventLoop engineLoop;
        private final int maxDatagramSize;
        private List<DatagramPacket> pending = new ArrayList<>();

        Forwarder(Engine engine, EventLoop engineLoop, int maxDatagramSize) {
            this.engine = engine;
            this.engineLoop = engineLoop;
            this.maxDatagramSize = maxDatagramSize;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            if (tooLong(packet, maxDatagramSize)) {
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
