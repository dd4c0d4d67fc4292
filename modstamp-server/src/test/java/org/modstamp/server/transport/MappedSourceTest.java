package org.modstamp.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.UdpPeers;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/**
 * An IPv6 datagram whose source is an IPv4-mapped address ({@code ::ffff:127.0.0.1}) must not pass for the IPv4
 * loopback peer, which the default profile lets change values. Linux delivers such a datagram to a dual-stack
 * socket (seen on 6.x kernels for loopback), and the JDK and Netty hand its source over as 127.0.0.1; the test
 * puts one on the loopback interface with a raw packet socket (src/test/c/inject-udp6.c, CAP_NET_RAW).
 */
class MappedSourceTest {
    private static Path injector;

    private ModstampServer server;
    private UdpPeers peers;

    @BeforeAll
    static void buildInjector() throws Exception {
        injector = CompiledTool.build("inject-udp6");
    }

    private void start(int ioThreads) throws Exception {
        server = ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("::", 0)),
                TransportConfig.defaults().withThreads(ioThreads), new MemoryValueStore());
        peers = new UdpPeers().add("ipv4", "127.0.0.1").add("ipv6", "::1");
    }

    @AfterEach
    void stop() throws Exception {
        if (peers != null) {
            peers.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** With one I/O thread, and with two (sockets that pass what they read to the engine thread). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aChangeFromAnIpv4MappedSourceIsDroppedWhileIpv4AndIpv6PeersAreServed(int ioThreads) throws Exception {
        start(ioThreads);
        inject("::ffff:127.0.0.1", change("orders", "forged"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (server.mappedSourcesDropped() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, server.mappedSourcesDropped(), "the forged datagram was dropped");
        assertEquals(Optional.empty(), server.entry("orders"), "the forged change was not made");

        peers.send("ipv6", change("marker", "1"), new InetSocketAddress("::1", server.port()));
        assertEquals(1, peers.collect(1, 3000, 0).size(), "the IPv6 loopback peer is answered");

        peers.send("ipv4", change("orders", "genuine"), new InetSocketAddress("127.0.0.1", server.port()));
        assertEquals(1, peers.collect(1, 3000, 0).size(), "the IPv4 loopback peer is answered");
        assertEquals("genuine", new String(server.entry("orders").orElseThrow().value(), StandardCharsets.UTF_8));
    }

    private static byte[] change(String id, String value) {
        return MessageEncoder.plainDatagram(Message.change(id, value.getBytes(StandardCharsets.UTF_8)));
    }

    private void inject(String source, byte[] payload) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(injector));
        Process inject = new ProcessBuilder(List.of(injector.toString(), source, "40000", "::1",
                Integer.toString(server.port()), HexFormat.of().formatHex(payload))).redirectErrorStream(true).start();
        String output = new String(inject.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(inject.waitFor(10, TimeUnit.SECONDS));
        assertTrue(inject.exitValue() != 3, ForgedSourceFloodTest.NEEDS_RAW + output);
        assertEquals(0, inject.exitValue(), output);
    }
}
