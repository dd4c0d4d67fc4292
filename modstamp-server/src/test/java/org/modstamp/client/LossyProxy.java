package org.modstamp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A UDP proxy for one client on loopback that drops the datagrams its predicates select, the server's and
 * the client's: the lossy network between a client and its server.
 */
public final class LossyProxy implements AutoCloseable {
    private final DatagramChannel front;
    private final DatagramChannel back;
    private final Selector selector;
    private final Thread thread;
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile SocketAddress client;

    /** Drops the server's datagrams that {@code drop} selects. */
    public LossyProxy(InetSocketAddress server, Predicate<byte[]> drop) throws IOException {
        this(server, drop, bytes -> false);
    }

    /** Drops the server's datagrams that {@code drop} selects and the client's that {@code dropFromClient} selects. */
    public LossyProxy(InetSocketAddress server, Predicate<byte[]> drop, Predicate<byte[]> dropFromClient)
            throws IOException {
        front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        front.configureBlocking(false);
        back.configureBlocking(false);
        selector = Selector.open();
        front.register(selector, SelectionKey.OP_READ);
        back.register(selector, SelectionKey.OP_READ);
        thread = new Thread(() -> run(server, drop, dropFromClient), "lossy-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where the client sends to. */
    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    /** Datagrams dropped so far, both ways. */
    public int dropped() {
        return dropped.get();
    }

    private void run(InetSocketAddress server, Predicate<byte[]> drop, Predicate<byte[]> dropFromClient) {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (selector.isOpen()) {
                selector.select(100);
                SocketAddress from;
                buf.clear();
                while ((from = front.receive(buf)) != null) {
                    client = from;
                    buf.flip();
                    byte[] bytes = new byte[buf.remaining()];
                    buf.get(bytes);
                    if (dropFromClient.test(bytes)) {
                        dropped.incrementAndGet();
                    } else {
                        back.send(ByteBuffer.wrap(bytes), server);
                    }
                    buf.clear();
                }
                while (back.receive(buf) != null) {
                    buf.flip();
                    byte[] bytes = new byte[buf.remaining()];
                    buf.get(bytes);
                    if (drop.test(bytes)) {
                        dropped.incrementAndGet();
                    } else if (client != null) {
                        front.send(ByteBuffer.wrap(bytes), client);
                    }
                    buf.clear();
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // closed
        }
    }

    @Override
    public void close() throws Exception {
        selector.close();
        thread.join(2000);
        front.close();
        back.close();
    }
}
