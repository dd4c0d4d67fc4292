package org.modstamp.cli.bench;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * Time from sending one C to the arrival of the Signal at every one of N listeners (or of the CHANGED at every one
 * of N watchers of its prefix, with {@code --watch}). Each listener is a
 * distinct loopback address and port: a short-lived socket bound to 127.1.x.y:P sends the Query, and a
 * long-lived socket bound to the wildcard address on P (both with SO_REUSEADDR) then receives the Signals
 * for every 127.1.x.y:P. So 100,000 listeners need only N / {@code --per-socket} file descriptors. Arrival
 * times are taken in user space when the generator reads a datagram: an upper bound on kernel arrival.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = "Signal fan-out latency: one C, N listeners.")
final class FanoutBench implements Callable<Integer> {
    private static final String ID = "bench.fanout";

    @Option(names = "--server", defaultValue = "127.0.0.1:1415", split = ",",
            description = "Server, or several instances of one cluster separated by commas: listeners are spread "
                    + "over them and the C goes to the first (default: ${DEFAULT-VALUE})")
    List<String> servers;

    @Option(names = "--listeners", defaultValue = "10000", description = "Listeners (default: ${DEFAULT-VALUE})")
    int listeners;

    @Option(names = "--per-socket", defaultValue = "200",
            description = "Listener addresses served by one receiving socket (default: ${DEFAULT-VALUE})")
    int perSocket;

    @Option(names = "--rounds", defaultValue = "10", description = "Measured changes (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "5", description = "Changes before measuring (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--watch", description = "Listeners watch the prefix 'bench.' (a W each; the server tells them an "
            + "N) instead of querying the id (a Q each; an S)")
    boolean watch;

    private volatile long roundStart;
    private volatile CountDownLatch arrivals = new CountDownLatch(0);
    private final Latencies latencies = new Latencies();

    @Override
    public Integer call() throws Exception {
        List<InetSocketAddress> targets = servers.stream().map(s -> HostPort.parse(s, Protocol.DEFAULT_PORT).resolve()).toList();
        InetSocketAddress target = targets.get(0);
        try (LoadChannels channels = new LoadChannels();
             DatagramChannel producer = DatagramChannel.open()) {
            int sockets = (listeners + perSocket - 1) / perSocket;
            List<Channel> receivers = new ArrayList<>();
            java.util.Set<Integer> ports = new java.util.HashSet<>();
            while (receivers.size() < sockets) {
                Channel receiver = channels.open(new InetSocketAddress("0.0.0.0", 0), new Receiver(), true);
                if (ports.add(((InetSocketAddress) receiver.localAddress()).getPort())) {
                    receivers.add(receiver);
                } else {
                    receiver.close(); // SO_REUSEADDR let the kernel hand out a port twice
                }
            }
            register(targets, receivers);
            producer.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread.sleep(300);
            Latencies lastArrival = new Latencies();
            Latencies allSignals = new Latencies();
            long lost = 0;
            for (int round = -warmup; round < rounds; round++) {
                channels.group().next().submit(latencies::reset).get();
                arrivals = new CountDownLatch(listeners);
                byte[] change = MessageEncoder.plainDatagram(Message.change(ID, ("r" + round + "." + System.nanoTime()).getBytes()));
                roundStart = System.nanoTime();
                producer.send(ByteBuffer.wrap(change), target);
                boolean all = arrivals.await(5, TimeUnit.SECONDS);
                String line = channels.group().next().submit(() -> String.format(
                        "%d/%d Signals, %s", latencies.count(), listeners, latencies.summary())).get();
                if (round >= 0) {
                    lastArrival.record(channels.group().next().submit(latencies::maxNanos).get());
                    channels.group().next().submit(() -> allSignals.add(latencies)).get();
                    lost += arrivals.getCount();
                }
                System.out.println((round < 0 ? "warmup " : "round ") + round + ": " + line + (all ? "" : "  INCOMPLETE"));
                receiveWithin(producer, ByteBuffer.allocate(2048), 2000); // the M
                Thread.sleep(50);
            }
            System.out.printf("fanout: " + (watch ? "watchers" : "listeners") + "=%d instances=%d rounds=%d "
                    + "last_p50_ms=%.1f last_max_ms=%.1f lost=%d signal_%s io=%s%n", listeners, targets.size(), rounds,
                    lastArrival.percentileNanos(50) / 1e6, lastArrival.maxNanos() / 1e6, lost,
                    allSignals.fields().replace(" ", " signal_"), channels.kind());
        }
        return 0;
    }

    /**
     * Registers listener i as 127.1.x.y on the port of receiver i / perSocket: a socket bound there sends
     * the Query and waits for the Reply (resending up to 5 times), so that every listener is registered.
     */
    private void register(List<InetSocketAddress> targets, List<Channel> receivers) throws Exception {
        byte[] query = MessageEncoder.plainDatagram(watch
                ? org.modstamp.wire.Watches.watch("bench.", org.modstamp.wire.Watches.Position.NOW) : Message.query(ID));
        ByteBuffer reply = ByteBuffer.allocate(2048);
        int failed = 0;
        for (int i = 0; i < listeners; i++) {
            int port = ((InetSocketAddress) receivers.get(i / perSocket).localAddress()).getPort();
            int a = i % perSocket;
            try (DatagramChannel once = DatagramChannel.open()) {
                once.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                once.bind(new InetSocketAddress("127.1." + (a / 250) + "." + (1 + a % 250), port));
                once.connect(targets.get(i % targets.size()));
                boolean answered = false;
                for (int attempt = 0; attempt < 5 && !answered; attempt++) {
                    once.write(ByteBuffer.wrap(query));
                    answered = receiveWithin(once, reply, 200);
                }
                failed += answered ? 0 : 1;
            }
        }
        if (failed > 0) {
            System.out.println("fanout: " + failed + " listener(s) got no Reply to their Query");
        }
    }

    private static boolean receiveWithin(DatagramChannel channel, ByteBuffer buffer, long millis) throws Exception {
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            channel.configureBlocking(false);
            channel.register(selector, java.nio.channels.SelectionKey.OP_READ);
            buffer.clear();
            if (channel.receive(buffer) != null) {
                return true;
            }
            return selector.select(millis) > 0 && channel.receive(buffer) != null;
        }
    }

    private final class Receiver extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            long now = System.nanoTime();
            byte type = packet.content().readableBytes() > 1 ? packet.content().getByte(1) : 0;
            boolean signal = type == (watch ? 'N' : 'S');
            packet.release();
            if (signal) {
                latencies.record(now - roundStart);
                arrivals.countDown();
            }
        }
    }
}
