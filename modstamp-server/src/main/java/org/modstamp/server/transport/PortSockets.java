package org.modstamp.server.transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;

/**
 * The sockets of one address: the engine's own on the engine thread (the first loop), and one more per other
 * loop with SO_REUSEPORT, which pass what they read to the engine thread.
 */
record PortSockets(Channel own, List<Channel> helpers, boolean ipv6Only) {
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final int DATAGRAMS_PER_READ = 32;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final IntegerUnixChannelOption V6_ONLY =
            new IntegerUnixChannelOption("IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY);

    static PortSockets bind(InetSocketAddress address, SocketProtocolFamily family, List<EventLoop> loops,
                            SocketEngine engine, boolean epoll, int maxDatagramSize) throws InterruptedException {
        boolean ipv6Only = family == SocketProtocolFamily.INET6;
        Bootstrap bootstrap = bootstrap(epoll, family, loops.size() > 1, maxDatagramSize);
        Channel own = bootstrap.clone(loops.get(0)).handler(engine.reader(ipv6Only))
                .bind(address).sync().channel();
        List<Channel> helpers = new ArrayList<>();
        InetSocketAddress bound = (InetSocketAddress) own.localAddress();
        try {
            for (EventLoop loop : loops.subList(1, loops.size())) {
                helpers.add(bootstrap.clone(loop).handler(new Forwarder(engine, loops.get(0), maxDatagramSize,
                        ipv6Only)).bind(bound).sync().channel());
            }
        } catch (InterruptedException | RuntimeException e) {
            own.close();
            helpers.forEach(Channel::close);
            throw e;
        }
        return new PortSockets(own, List.copyOf(helpers), ipv6Only);
    }

    int port() {
        return ((InetSocketAddress) own.localAddress()).getPort();
    }

    List<Channel> all() {
        List<Channel> all = new ArrayList<>(List.of(own));
        all.addAll(helpers);
        return all;
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
}
