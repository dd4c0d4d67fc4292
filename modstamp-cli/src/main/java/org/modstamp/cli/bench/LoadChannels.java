package org.modstamp.cli.bench;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.modstamp.server.transport.IoKind;

/**
 * The load generator's sockets: Netty datagram channels on one event-loop thread, with native epoll
 * (recvmmsg, sendmmsg) where available, so that the generator spends as little as possible per datagram.
 */
final class LoadChannels implements AutoCloseable {
    private static final int SMALL_DATAGRAM = 2048;
    private static final int DATAGRAMS_PER_READ = 16;

    private final boolean epoll = IoKind.AUTO.resolve() == IoKind.EPOLL;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("modstamp-bench"),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());

    /** A channel bound to {@code local} whose reads go to {@code handler}. */
    Channel open(InetSocketAddress local, ChannelHandler handler, boolean reuseAddress) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group)
                .channelFactory(epoll ? EpollDatagramChannel::new : NioDatagramChannel::new)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .option(ChannelOption.SO_REUSEADDR, reuseAddress)
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(epoll ? SMALL_DATAGRAM * DATAGRAMS_PER_READ : SMALL_DATAGRAM))
                .handler(handler);
        if (epoll) {
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SMALL_DATAGRAM);
        }
        return b.bind(local).sync().channel();
    }

    /**
     * Lets the load run {@code warmupSeconds}, then runs {@code reset} and measures {@code seconds}; both
     * {@code reset} and {@code report} (given the measured seconds) run on the load's own thread, so they
     * see its counters without locks. Returns the report.
     */
    String measure(int warmupSeconds, int seconds, Runnable reset, java.util.function.DoubleFunction<String> report)
            throws Exception {
        Thread.sleep(warmupSeconds * 1000L);
        long start = group.next().submit(() -> {
            reset.run();
            return System.nanoTime();
        }).get();
        Thread.sleep(seconds * 1000L);
        return group.next().submit(() -> report.apply((System.nanoTime() - start) / 1e9)).get();
    }

    EventLoopGroup group() {
        return group;
    }

    String kind() {
        return epoll ? "epoll" : "nio";
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
