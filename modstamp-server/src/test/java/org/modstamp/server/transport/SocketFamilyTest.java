package org.modstamp.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;

/**
 * Which sockets the kernel holds for the server's port, as /proc/net/udp and udp6 list them: an explicit IPv4
 * address gets IPv4 sockets only (an IPv6 dual-stack socket bound to {@code ::ffff:127.0.0.1} would send every
 * datagram through the kernel's IPv6 path), and the wildcard {@code [::]} an IPv4 socket and an IPv6-only one.
 */
class SocketFamilyTest {
    @Test
    void anIpv4AddressIsServedByIpv4SocketsOnly() throws Exception {
        try (ModstampServer server = start("127.0.0.1", 2)) {
            assertEquals(2, sockets("/proc/net/udp", server.port()), "one IPv4 socket per I/O thread");
            assertEquals(0, sockets("/proc/net/udp6", server.port()), "no IPv6 socket");
        }
    }

    @Test
    void theWildcardIsServedByAnIpv4AndAnIpv6OnlySocket() throws Exception {
        try (ModstampServer server = start("::", 1)) {
            assertEquals(1, sockets("/proc/net/udp", server.port()));
            assertEquals(1, sockets("/proc/net/udp6", server.port()));
        }
    }

    private static ModstampServer start(String address, int ioThreads) throws Exception {
        return ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress(address, 0)),
                TransportConfig.defaults().withIo(IoKind.EPOLL).withThreads(ioThreads), new MemoryValueStore());
    }

    /** Sockets of {@code table} whose local port is {@code port}. */
    private static long sockets(String table, int port) throws Exception {
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        List<String> lines = Files.readAllLines(Path.of(table));
        return lines.stream().skip(1).map(line -> line.trim().split("\\s+")[1]).filter(local -> local.endsWith(suffix))
                .count();
    }
}
