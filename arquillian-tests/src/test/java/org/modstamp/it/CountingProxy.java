package org.modstamp.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageType;

/**
 * A UDP proxy in front of the test server (on {@code modstamp.test.proxy.port}, for one client) that
 * records every C that passes, can play an unreachable server by dropping everything, and a distant one by
 * holding each datagram for a while, each way.
 */
public final class CountingProxy implements BeforeAllCallback, AfterAllCallback {
    private static final Map<String, List<String>> CHANGES = new ConcurrentHashMap<>();
    private static volatile boolean down;
    private static volatile long delayNanos;
    /** Sends the held datagrams when they are due, in the order they came (one thread, equal delays). */
    private static ScheduledExecutorService later;
    private static Selector selector;
    private static Thread thread;

    /** The values of every C for {@code id} that reached the server, in order. */
    public static List<String> changesOf(String id) {
        return List.copyOf(CHANGES.getOrDefault(id, List.of()));
    }

    public static void down(boolean isDown) {
        down = isDown;
    }

    /** Holds every datagram this long in each direction from now on (a server this far away); zero sends at once. */
    public static void delay(Duration oneWay) {
        delayNanos = oneWay.toNanos();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        int port = Integer.parseInt(System.getProperty("modstamp.test.proxy.port"));
        DatagramChannel front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", port));
        DatagramChannel back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        front.configureBlocking(false);
        back.configureBlocking(false);
        delayNanos = 0;
        later = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "counting-proxy-delay");
            t.setDaemon(true);
            return t;
        });
        selector = Selector.open();
        front.register(selector, SelectionKey.OP_READ);
        back.register(selector, SelectionKey.OP_READ);
        thread = new Thread(() -> run(front, back, ModstampServerExtension.address()), "counting-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run(DatagramChannel front, DatagramChannel back, InetSocketAddress server) {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        SocketAddress client = null;
        try (front; back) {
            while (selector.isOpen()) {
                selector.select(100);
                SocketAddress from;
                buf.clear();
                while ((from = front.receive(buf)) != null) {
                    buf.flip();
                    if (!down) {
                        client = from;
                        record(buf.duplicate());
                        forward(back, buf, server);
                    }
                    buf.clear();
                }
                while (back.receive(buf) != null) {
                    buf.flip();
                    if (!down && client != null) {
                        forward(front, buf, client);
                    }
                    buf.clear();
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // closed
        }
    }

    /** Sends the datagram now, or a copy of it once the delay has passed. */
    private static void forward(DatagramChannel channel, ByteBuffer datagram, SocketAddress to) throws IOException {
        long delay = delayNanos;
        if (delay == 0) {
            channel.send(datagram, to);
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(datagram.remaining()).put(datagram).flip();
        later.schedule(() -> {
            try {
                channel.send(copy, to);
            } catch (IOException e) {
                // closed: the proxy stops
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private static void record(ByteBuffer datagram) {
        DatagramHeader.read(datagram).flatMap(h -> MessageDecoder.decode(datagram)).ifPresent(messages -> {
            for (Message m : messages) {
                if (m.type() == MessageType.CHANGE) {
                    CHANGES.computeIfAbsent(m.id(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                            .add(m.valueAsString());
                }
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        selector.close();
        thread.join(2000);
        later.shutdownNow();
    }
}
