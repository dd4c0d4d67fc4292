package org.modstamp.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named UDP sockets on loopback addresses that send to a server and collect what comes back. */
public final class UdpPeers implements AutoCloseable {
    private final Map<String, DatagramChannel> byName = new LinkedHashMap<>();
    private final Selector selector;

    public UdpPeers() throws IOException {
        selector = Selector.open();
    }

    /** Adds a socket bound to {@code address}, port 0. */
    public UdpPeers add(String name, String address) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(address, 0));
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, name);
        byName.put(name, channel);
        return this;
    }

    public InetSocketAddress address(String name) throws IOException {
        return (InetSocketAddress) byName.get(name).getLocalAddress();
    }

    public void send(String from, byte[] bytes, SocketAddress to) throws IOException {
        byName.get(from).send(ByteBuffer.wrap(bytes), to);
    }

    /**
     * Collects datagrams on every socket, as "name: hex" lines in arrival order, until {@code expected}
     * have come (or {@code timeoutMillis} passed) and then nothing more for {@code quietMillis}.
     */
    public List<String> collect(int expected, long timeoutMillis, long quietMillis) throws IOException {
        List<String> got = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(65536);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long quietUntil = 0;
        while (true) {
            long now = System.nanoTime();
            if (got.size() >= expected && quietUntil == 0) {
                quietUntil = now + quietMillis * 1_000_000;
            }
            long until = quietUntil != 0 ? quietUntil : deadline;
            long wait = (until - now) / 1_000_000;
            if (wait <= 0) {
                return got;
            }
            selector.select(Math.max(1, wait));
            for (SelectionKey key : selector.selectedKeys()) {
                DatagramChannel channel = (DatagramChannel) key.channel();
                buf.clear();
                while (channel.receive(buf) != null) {
                    buf.flip();
                    got.add(key.attachment() + ": " + HexFormat.of().formatHex(Arrays.copyOf(buf.array(), buf.limit())));
                    buf.clear();
                }
            }
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() throws IOException {
        for (DatagramChannel c : byName.values()) {
            c.close();
        }
        selector.close();
    }
}
