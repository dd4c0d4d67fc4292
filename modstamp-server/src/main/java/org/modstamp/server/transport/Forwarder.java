package org.modstamp.server.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;

/** Another socket's handler: passes what it reads to the engine thread, a read's worth at a time. */
final class Forwarder extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());
    private final SocketEngine engine;
    private final EventLoop engineLoop;
    private final int maxDatagramSize;
    private final boolean ipv6Only;
    private List<DatagramPacket> pending = new ArrayList<>();

    Forwarder(SocketEngine engine, EventLoop engineLoop, int maxDatagramSize, boolean ipv6Only) {
        this.engine = engine;
        this.engineLoop = engineLoop;
        this.maxDatagramSize = maxDatagramSize;
        this.ipv6Only = ipv6Only;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        if (SocketEngine.refused(packet, maxDatagramSize, ipv6Only, engine.mappedDropped)) {
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
