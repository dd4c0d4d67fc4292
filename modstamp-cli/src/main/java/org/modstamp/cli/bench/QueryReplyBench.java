package org.modstamp.cli.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
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
import org.modstamp.security.Aead;
import org.modstamp.security.AeadSender;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Query/Reply round trips per second from many client ports, each keeping a window of Queries in flight. */
@Command(name = "qr", mixinStandardHelpOptions = true,
        description = "Query/Reply round trips per second from many client ports.")
final class QueryReplyBench implements Callable<Integer> {
    @Option(names = "--server", defaultValue = "127.0.0.1:1415", description = "Server (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--ports", defaultValue = "1000", description = "Client sockets (default: ${DEFAULT-VALUE})")
    int ports;

    @Option(names = "--window", defaultValue = "4", description = "Queries in flight per socket (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--ids", defaultValue = "1000", description = "Distinct ids queried (default: ${DEFAULT-VALUE})")
    int ids;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured time (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Seconds before measuring (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--aead-id", paramLabel = "ID", description = "Seal every Query with the encrypted profile of this id")
    String aeadId;

    @Option(names = "--aead-key", paramLabel = "BASE64", description = "The key of --aead-id")
    String aeadKey;

    private SecurityProfile sealing;

    private final Latencies latencies = new Latencies();
    /** The round trips per second the last run measured. */
    double rate;
    private long replies;
    private long resends;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress target = HostPort.parse(server, Protocol.DEFAULT_PORT).resolve();
        if (aeadId != null) {
            sealing = SecurityProfile.aead(aeadId, Permission.DEFAULT, java.util.Base64.getDecoder().decode(aeadKey));
        }
        List<Client> clients = new ArrayList<>();
        try (LoadChannels channels = new LoadChannels()) {
            for (int i = 0; i < ports; i++) {
                ByteBuf query = Unpooled.directBuffer().writeBytes(
                        MessageEncoder.plainDatagram(Message.query("bench.qr." + (i % ids))));
                Client client = new Client(target, query);
                clients.add(client);
                channels.open(new InetSocketAddress("127.0.0.1", 0), client, false);
            }
            channels.group().next().scheduleAtFixedRate(() -> clients.forEach(Client::resendIfStalled),
                    200, 200, TimeUnit.MILLISECONDS);
            String result = channels.measure(warmup, seconds, () -> {
                replies = 0;
                latencies.reset();
            }, elapsed -> {
                rate = replies / elapsed;
                return String.format("qr: round_trips_per_s=%.0f round_trips=%d seconds=%.1f ports=%d window=%d "
                            + "resends=%d %s io=%s profile=%s", replies / elapsed, replies, elapsed, ports, window, resends,
                    latencies.fields(), channels.kind(), sealing == null ? "plain" : "aead");
            });
            System.out.println(result);
        } finally {
            clients.forEach(client -> client.query.release());
        }
        return 0;
    }

    /** One client socket: keeps {@code window} Queries in flight, FIFO send times for latency. */
    private final class Client extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress target;
        private final ByteBuf query;
        /** This client's aead sender (its own id and counter), when sealing. */
        private final AeadSender sealer = sealing == null ? null : new AeadSender(sealing, Aead.Direction.REQUEST);
        private final long[] sentAt = new long[window];
        private int head;
        private int inFlight;
        private long seen;
        private long seenAtLastCheck;
        private Channel channel;

        Client(InetSocketAddress target, ByteBuf query) {
            this.target = target;
            this.query = query;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            fill();
            ctx.flush();
        }

        private void fill() {
            while (inFlight < window) {
                sentAt[(head + inFlight) % window] = System.nanoTime();
                inFlight++;
                channel.write(new DatagramPacket(sealing == null ? query.retainedDuplicate() : sealed(), target),
                        channel.voidPromise());
            }
        }

        /** The Query sealed afresh (a new nonce and timestamp each time, as a real client sends it). */
        private ByteBuf sealed() {
            byte[] messages = new byte[query.readableBytes() - 1];
            query.getBytes(query.readerIndex() + 1, messages);
            return Unpooled.wrappedBuffer(sealer.seal(messages, System.currentTimeMillis()).datagram());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((DatagramPacket) msg).release();
            seen++;
            if (inFlight > 0) {
                latencies.record(System.nanoTime() - sentAt[head]);
                head = (head + 1) % window;
                inFlight--;
                replies++;
            }
            fill();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        /** A lost datagram would shrink the window for good: start it again when nothing came for a tick. */
        void resendIfStalled() {
            if (channel != null && seen == seenAtLastCheck && inFlight > 0) {
                resends += inFlight;
                inFlight = 0;
                fill();
                channel.flush();
            }
            seenAtLastCheck = seen;
        }
    }
}
