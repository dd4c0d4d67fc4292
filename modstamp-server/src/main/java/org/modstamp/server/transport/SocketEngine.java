package org.modstamp.server.transport;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;

import org.modstamp.net.Addresses;
import org.modstamp.server.engine.OutgoingDatagram;
import org.modstamp.server.transport.UdpTransport.DatagramSink;
import org.modstamp.server.transport.UdpTransport.SendObserver;

/**
 * The engine: feeds the sink with what its sockets read (and what the helpers pass on) and sends what the sink
 * returns, each datagram from the socket of its recipient's address family. Runs on the engine thread.
 */
final class SocketEngine {
    private static final System.Logger LOG = System.getLogger(SocketEngine.class.getName());
    /** A run of identical datagrams at least this long is sent from all sockets in parallel. */
    private static final int PARALLEL_RUN = 1024;
    private static final long PARALLEL_SEND_TIMEOUT_SECONDS = 10;

    private final DatagramSink sink;
    private final int maxDatagramSize;
    private final SendObserver observer;
    final AtomicLong mappedDropped = new AtomicLong();
    /** The IPv4 (or only) sockets, then the IPv6-only ones when the wildcard is split; set while binding. */
    private volatile PortSockets first;
    private volatile PortSockets ipv6Only;

    SocketEngine(DatagramSink sink, int maxDatagramSize, SendObserver observer) {
        this.sink = sink;
        this.maxDatagramSize = maxDatagramSize;
        this.observer = observer;
    }

    void add(PortSockets sockets) {
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
    private PortSockets socketsFor(InetSocketAddress recipient) {
        PortSockets six = ipv6Only;
        return six != null && recipient.getAddress() instanceof Inet6Address ? six : first;
    }

    /**
     * Sends what the sink returns, in order: a stretch of one socket's recipients at a time, and a fan-out whole
     * before what follows it.
     */
    void flush() {
        List<OutgoingDatagram> datagrams = sink.flush();
        if (datagrams.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        int i = 0;
        while (i < datagrams.size()) {
            int end = endOfRun(datagrams, i);
            if (end - i >= PARALLEL_RUN) {
                sendFanOut(datagrams.subList(i, end));
            } else { // a stretch of one socket's recipients, up to the next large fan-out
                Channel own = socketsFor(datagrams.get(i).recipient()).own();
                end = endOfStretch(datagrams, i, own);
                SendQueue.of(own).send(datagrams.subList(i, end));
            }
            i = end;
        }
        observer.sent(datagrams.size(), System.nanoTime() - start);
        if (datagrams.size() >= PARALLEL_RUN) {
            LOG.log(System.Logger.Level.DEBUG, () -> String.format("sent %d datagrams in %.1f ms",
                    datagrams.size(), (System.nanoTime() - start) / 1e6));
        }
    }

    /** Where the datagrams from {@code from} on stop leaving from {@code own}, or a large fan-out starts. */
    private int endOfStretch(List<OutgoingDatagram> datagrams, int from, Channel own) {
        int end = endOfRun(datagrams, from);
        while (end < datagrams.size() && socketsFor(datagrams.get(end).recipient()).own() == own) {
            int next = endOfRun(datagrams, end);
            if (next - end >= PARALLEL_RUN) {
                break;
            }
            end = next;
        }
        return end;
    }

    /** A large fan-out: each family's share from all of that family's sockets at once, waited for. */
    private void sendFanOut(List<OutgoingDatagram> run) {
        PortSockets six = ipv6Only;
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
    private static void sendInParallel(PortSockets sockets, List<OutgoingDatagram> run) {
        Channel own = sockets.own();
        List<Channel> others = sockets.helpers();
        int parts = 1 + others.size();
        CountDownLatch sent = new CountDownLatch(others.size());
        for (int p = 1; p < parts; p++) {
            Channel channel = others.get(p - 1);
            List<OutgoingDatagram> share = run.subList(run.size() * p / parts, run.size() * (p + 1) / parts);
            try {
                channel.eventLoop().execute(() -> sendShare(channel, share).addListener(done -> sent.countDown()));
            } catch (RejectedExecutionException e) { // shutting down
                sent.countDown();
            }
        }
        sendShare(own, run.subList(0, run.size() / parts));
        try {
            if (!sent.await(PARALLEL_SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "a parallel fan-out took more than "
                        + PARALLEL_SEND_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one socket's share of a fan-out (on its event loop); the future completes when the socket took all of it. */
    private static Future<Void> sendShare(Channel channel, List<OutgoingDatagram> share) {
        SendQueue queue = SendQueue.of(channel);
        queue.send(share);
        return queue.sent();
    }

    /** Where the run of datagrams with the same bytes that starts at {@code from} ends. */
    static int endOfRun(List<OutgoingDatagram> datagrams, int from) {
        byte[] bytes = datagrams.get(from).bytes();
        int end = from + 1;
        while (end < datagrams.size() && datagrams.get(end).bytes() == bytes) {
            end++;
        }
        return end;
    }

    /** Whether a datagram read is dropped before the engine sees it: too long, or a forged source. */
    static boolean refused(DatagramPacket packet, int maxDatagramSize, boolean ipv6Only, AtomicLong mappedDropped) {
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
     * Whether a datagram read on an IPv6-only socket claims an IPv4 source: only a forged IPv4-mapped address
     * ({@code ::ffff:a.b.c.d}) can, which the JDK and Netty hand over as an IPv4 address.
     */
    static boolean forgedOnIpv6Only(InetSocketAddress sender) {
        return Addresses.isIpv4(sender.getAddress());
    }
}
