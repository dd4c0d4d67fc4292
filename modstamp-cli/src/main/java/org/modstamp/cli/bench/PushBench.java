package org.modstamp.cli.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Confirmed changes per second: many producers, each with one id, push a new value and wait for its M
 * before pushing the next (as a producer that waits for confirmation does); a C without its M within
 * 100 ms is sent again.
 */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Confirmed (durable) changes per second from many producers.")
final class PushBench implements Callable<Integer> {
    @Option(names = "--server", defaultValue = "127.0.0.1:1415", description = "Server (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--producers", defaultValue = "200", description = "Producer sockets (default: ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured time (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Seconds before measuring (default: ${DEFAULT-VALUE})")
    int warmup;

    private final Latencies latencies = new Latencies();
    private long confirmed;
    private long resends;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress target = HostPort.parse(server, Protocol.DEFAULT_PORT).resolve();
        try (LoadChannels channels = new LoadChannels()) {
            List<Producer> all = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                Producer p = new Producer(target, "bench.push." + i);
                all.add(p);
                channels.open(new InetSocketAddress("127.0.0.1", 0), p, false);
            }
            channels.group().next().scheduleAtFixedRate(() -> all.forEach(Producer::resendIfLate),
                    100, 100, TimeUnit.MILLISECONDS);
            System.out.println(channels.measure(warmup, seconds, () -> {
                confirmed = 0;
                latencies.reset();
            }, elapsed -> {
                all.forEach(Producer::release);
                return String.format("push: confirmed_per_s=%.0f confirmed=%d seconds=%.1f producers=%d resends=%d %s io=%s",
                        confirmed / elapsed, confirmed, elapsed, producers, resends, latencies.fields(), channels.kind());
            }));
        }
        return 0;
    }

    private final class Producer extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress target;
        private final String id;
        private long counter;
        private byte[] expected;
        private ByteBuf change;
        private long sentAt;
        private Channel channel;

        Producer(InetSocketAddress target, String id) {
            this.target = target;
            this.id = id;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            next();
            ctx.flush();
        }

        private void next() {
            byte[] value = Long.toString(++counter).getBytes(StandardCharsets.US_ASCII);
            expected = MessageEncoder.plainDatagram(Message.modified(id, value));
            if (change != null) {
                change.release();
            }
            change = Unpooled.directBuffer().writeBytes(MessageEncoder.plainDatagram(Message.change(id, value)));
            sentAt = System.nanoTime();
            channel.write(new DatagramPacket(change.retainedDuplicate(), target), channel.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            byte[] got = new byte[packet.content().readableBytes()];
            packet.content().getBytes(packet.content().readerIndex(), got);
            packet.release();
            if (change != null && Arrays.equals(got, expected)) {
                confirmed++;
                latencies.record(System.nanoTime() - sentAt);
                next();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        void release() {
            if (change != null) {
                change.release();
                change = null;
                channel = null;
            }
        }

        void resendIfLate() {
            if (channel != null && change != null && System.nanoTime() - sentAt > 100_000_000L) {
                resends++;
                channel.writeAndFlush(new DatagramPacket(change.retainedDuplicate(), target), channel.voidPromise());
            }
        }
    }
}
