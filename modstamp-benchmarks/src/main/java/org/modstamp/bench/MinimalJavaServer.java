package org.modstamp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Java floor for one hop (hop-latency.c's {@code serve} mode written in Java): one thread, a blocking
 * {@link DatagramChannel}, one id. A plain Q of {@code bench.hop} registers its sender and gets an R; a C gets its
 * S to every listener, then its M. What the JVM's own datagram path costs, without modstamp's engine:
 * <pre>java modstamp-benchmarks/src/main/java/org/modstamp/bench/MinimalJavaServer.java PORT</pre>
 */
public final class MinimalJavaServer {
    private static final byte[] ID = "bench.hop".getBytes(StandardCharsets.US_ASCII);

    private MinimalJavaServer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: MinimalJavaServer PORT");
            System.exit(2);
        }
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
            serve(channel);
        }
    }

    private static void serve(DatagramChannel channel) throws IOException {
        List<SocketAddress> listeners = new ArrayList<>();
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        ByteBuffer out = ByteBuffer.allocateDirect(600);
        byte[] value = new byte[0];
        while (true) {
            in.clear();
            SocketAddress from = channel.receive(in);
            in.flip();
            int n = in.limit();
            if (n < 4 + ID.length || in.get(0) != 0 || in.get(3) != ID.length || !hasId(in)) {
                continue;
            }
            if (in.get(1) == 'Q' && in.get(2) == 1) {
                if (!listeners.contains(from) && listeners.size() < 64) {
                    listeners.add(from);
                }
                channel.send(datagram(out, 'R', value), from);
            } else if (in.get(1) == 'C' && in.get(2) == 2 && n > 4 + ID.length) {
                int length = in.get(4 + ID.length) & 0xff;
                if (n < 5 + ID.length + length) {
                    continue;
                }
                value = new byte[length];
                in.get(5 + ID.length, value);
                for (SocketAddress listener : listeners) {
                    channel.send(datagram(out, 'S', value), listener);
                }
                channel.send(datagram(out, 'M', value), from);
            }
        }
    }

    private static boolean hasId(ByteBuffer in) {
        byte[] id = new byte[ID.length];
        in.get(4, id);
        return Arrays.equals(id, ID);
    }

    private static ByteBuffer datagram(ByteBuffer out, char kind, byte[] value) {
        out.clear();
        out.put((byte) 0).put((byte) kind).put((byte) 2).put((byte) ID.length).put(ID);
        out.put((byte) value.length).put(value);
        return out.flip();
    }
}
