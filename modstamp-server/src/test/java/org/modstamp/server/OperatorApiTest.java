package org.modstamp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/** What an operator sees and does through ModstampServer, against real UDP listeners. */
class OperatorApiTest {
    @Test
    void anOperatorChangeSignalsListenersLikeAUdpChange() throws Exception {
        try (ModstampServer server = ModstampServer.start(
                ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)), new MemoryValueStore());
             UdpPeers peers = new UdpPeers().add("L", "127.0.0.1")) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", server.port());
            peers.send("L", MessageEncoder.plainDatagram(Message.query("op")), to);
            assertEquals(1, peers.collect(1, 2000, 0).size());

            server.set("op", "v1".getBytes());
            String signal = HexFormat.of().formatHex(MessageEncoder.plainDatagram(Message.signal("op", "v1".getBytes())));
            assertEquals(List.of("L: " + signal), peers.collect(1, 2000, 50));

            List<ModstampServer.Entry> entries = server.entries(0, 10);
            assertEquals(1, entries.size());
            assertEquals("op", entries.get(0).id());
            assertArrayEquals("v1".getBytes(), entries.get(0).value());
            assertEquals(1, entries.get(0).listeners());
            assertEquals(List.of(), server.entries(2147483000, 1000), "a page past the end, without overflow");
            assertEquals(1, server.entries(0, Integer.MAX_VALUE).size(), "offset + limit past Integer.MAX_VALUE");
            assertEquals(List.of(peers.address("L")), server.listeners("op"));
            assertEquals(new ModstampServer.ListenerPage(1, List.of(peers.address("L"))), server.listeners("op", 0, 10));
            assertEquals(new ModstampServer.ListenerPage(1, List.of()), server.listeners("op", Integer.MAX_VALUE, 1000));
            assertEquals(1, server.stats().signals.get());
            assertTrue(server.stats().queries.get() >= 1);

            server.set("op", new byte[0]);
            assertEquals(1, peers.collect(1, 2000, 50).size(), "the deletion is signalled too");
            assertEquals(0, server.size());
            assertTrue(server.entry("op").isPresent(), "still listened to");
            assertTrue(server.entry("nobody").isEmpty());
        }
    }
}
