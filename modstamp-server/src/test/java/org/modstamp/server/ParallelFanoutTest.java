package org.modstamp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.netty.channel.epoll.DirectDatagrams;
import io.netty.channel.epoll.Epoll;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.server.transport.TransportConfig;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/**
 * A fan-out large enough to go out the way large ones do (with epoll, straight to the socket with sendmmsg, and
 * split over several sockets, SO_REUSEPORT, one thread each, when there are several): every listener gets its
 * Signal exactly once, from the server's port, a pusher that also listens gets its Signal before its M, and with
 * epoll every Signal, and the M after them, went the direct way (a Netty that no longer has what
 * {@link DirectDatagrams} needs fails here, not silently slower).
 */
class ParallelFanoutTest {
    private static final int LISTENERS = 1500;

    @ParameterizedTest(name = "{0} I/O thread(s)")
    @ValueSource(ints = {1, 2})
    void largeFanOutReachesEveryListenerOnceAndBeforeTheM(int ioThreads) throws Exception {
        ServerConfig config = ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0));
        List<DatagramChannel> listeners = new ArrayList<>();
        try (ModstampServer server = ModstampServer.start(config, TransportConfig.defaults().withThreads(ioThreads),
                new MemoryValueStore());
             UdpPeers pusher = new UdpPeers().add("P", "127.0.0.1")) {
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", server.port());
            byte[] query = MessageEncoder.plainDatagram(Message.query("big"));
            ByteBuffer buffer = ByteBuffer.allocate(2048);
            for (int i = 0; i < LISTENERS; i++) {
                DatagramChannel listener = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                listener.socket().setSoTimeout(5000);
                listeners.add(listener);
                listener.send(ByteBuffer.wrap(query), target);
                receive(listener); // the Reply: registered
            }
            pusher.send("P", query, target);
            assertEquals(1, pusher.collect(1, 2000, 0).size());

            long directBefore = DirectDatagrams.sent();
            pusher.send("P", MessageEncoder.plainDatagram(Message.change("big", "v2".getBytes())), target);
            String signal = HexFormat.of().formatHex(MessageEncoder.plainDatagram(Message.signal("big", "v2".getBytes())));
            String modified = HexFormat.of().formatHex(MessageEncoder.plainDatagram(Message.modified("big", "v2".getBytes())));
            assertEquals(List.of("P: " + signal, "P: " + modified), pusher.collect(2, 3000, 100));
            for (DatagramChannel listener : listeners) {
                DatagramPacket got = receive(listener);
                assertEquals(server.port(), got.getPort(), "Signals leave from the server's port");
                assertEquals(signal, HexFormat.of().formatHex(got.getData(), 0, got.getLength()));
                listener.configureBlocking(false);
                buffer.clear();
                assertEquals(null, listener.receive(buffer), "one Signal per listener");
            }
            if (Epoll.isAvailable()) {
                assertEquals(LISTENERS + 2, DirectDatagrams.sent() - directBefore,
                        "every Signal and the M (a flush of one datagram) sent the direct way");
            }
        } finally {
            for (DatagramChannel listener : listeners) {
                listener.close();
            }
        }
    }

    /** The next datagram, waiting at most 5 s. */
    private static DatagramPacket receive(DatagramChannel channel) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        channel.socket().receive(packet);
        return packet;
    }
}
