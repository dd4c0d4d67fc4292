package org.modstamp.server.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
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
 * One UDP socket served by one event-loop thread (Netty: native epoll with recvmmsg and sendmmsg on
 * Linux, NIO elsewhere or when asked). Datagrams read together are handed to the {@link DatagramSink} one by one,
 * then {@link DatagramSink#flush()} returns everything to send, which goes out in one flush. Datagrams
 * of the same bytes sent in a row (a fan-out) share one native buffer.
 */
public final class UdpTransport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UdpTransport.class.getName());
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final int DATAGRAMS_PER_READ = 32;

    /** What the transport feeds: the engine. Called on the event-loop thread only. */
    public interface DatagramSink {
        void receive(InetSocketAddress sender, java.nio.ByteBuffer datagram);

        List<OutgoingDatagram> flush();
    }

    private final EventLoopGroup group;
    private final Channel channel;

    private UdpTransport(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code address} (port 0 picks a free port) and starts serving; fails clearly if it can't. */
    public static UdpTransport bind(InetSocketAddress address, IoKind io, int maxDatagramSize, DatagramSink sink)
            throws IOException {
        boolean epoll = io.resolve() == IoKind.EPOLL;
        IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("modstamp-udp"), handlers);
        ChannelFactory<DatagramChannel> channels = epoll ? EpollDatagramChannel::new : NioDatagramChannel::new;
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channelFactory(channels)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(
                        epoll ? (maxDatagramSize + 1) * DATAGRAMS_PER_READ : maxDatagramSize + 1))
                .handler(new SinkHandler(sink, maxDatagramSize));
        if (epoll) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxDatagramSize + 1);
        }
        try {
            Channel channel = bootstrap.bind(address).sync().channel();
            LOG.log(System.Logger.Level.DEBUG, () -> "bound " + channel.localAddress() + (epoll ? " (epoll)" : " (nio)"));
            return new UdpTransport(group, channel);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot bind UDP " + address + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Runs {@code task} on the event-loop thread every {@code periodSeconds}. */
    public void every(long periodSeconds, Runnable task) {
        channel.eventLoop().scheduleAtFixedRate(task, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    }

    /** Closes the socket and stops the thread, waiting at most 5 seconds. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static final class SinkHandler extends ChannelInboundHandlerAdapter {
        private final DatagramSink sink;
        private final int maxDatagramSize;

        SinkHandler(DatagramSink sink, int maxDatagramSize) {
            this.sink = sink;
            this.maxDatagramSize = maxDatagramSize;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                ByteBuf content = packet.content();
                if (content.readableBytes() > maxDatagramSize) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "dropped a datagram from " + packet.sender()
                            + " longer than " + maxDatagramSize + " bytes");
                    return;
                }
                sink.receive(packet.sender(), content.nioBuffer());
            } finally {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            send(ctx, sink.flush());
        }

        private static void send(ChannelHandlerContext ctx, List<OutgoingDatagram> datagrams) {
            if (datagrams.isEmpty()) {
                return;
            }
            byte[] sharedBytes = null;
            ByteBuf shared = null;
            for (OutgoingDatagram datagram : datagrams) {
                if (datagram.bytes() != sharedBytes) {
                    if (shared != null) {
                        shared.release();
                    }
                    sharedBytes = datagram.bytes();
                    shared = ctx.alloc().directBuffer(sharedBytes.length).writeBytes(sharedBytes);
                }
                ctx.write(new DatagramPacket(shared.retainedDuplicate(), datagram.recipient()), ctx.voidPromise());
            }
            shared.release();
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.WARNING, "UDP socket error (the server keeps serving)", cause);
        }
    }
}
