package org.modstamp.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageType;

/**
 * A UDP proxy in front of the test server (on {@code modstamp.test.proxy.port}, for one client) that
 * records every C that passes, and can play an unreachable server by dropping everything.
 */
public final class CountingProxy implements BeforeAllCallback, AfterAllCallback {
    private static final Map<String, List<String>> CHANGES = new ConcurrentHashMap<>();
    private static volatile boolean down;
    private static Selector selector;
    private static Thread thread;

    /** The values of every C for {@code id} that reached the server, in order. */
    public static List<String> changesOf(String id) {
        return List.copyOf(CHANGES.getOrDefault(id, List.of()));
    }

    public static void down(boolean isDown) {
        down = isDown;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        int port = Integer.parseInt(System.getProperty("modstamp.test.proxy.port"));
        DatagramChannel front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", port));
        DatagramChannel back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        front.configureBlocking(false);
        back.configureBlocking(false);
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
                        back.send(buf, server);
                    }
                    buf.clear();
                }
                while (back.receive(buf) != null) {
                    buf.flip();
                    if (!down && client != null) {
                        front.send(buf, client);
                    }
                    buf.clear();
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // closed
        }
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
    }
}
