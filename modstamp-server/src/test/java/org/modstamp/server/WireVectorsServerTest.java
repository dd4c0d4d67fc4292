package org.modstamp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.server.transport.IoKind;
import org.modstamp.server.transport.TransportConfig;
import org.modstamp.wire.WireVectors;

/**
 * Replays every exchange recorded from the PHP reference server against the real UDP server and
 * compares the bytes each socket receives. Cases 44-45 go to a server with broadcastRepeat=2, cases
 * 46-48 to one whose clock the test moves, as in the recording.
 */
class WireVectorsServerTest {
    private static final Pattern AT_SECOND = Pattern.compile("t=(\\d+) ?s");

    @ParameterizedTest(name = "{0} with {1} socket(s)")
    @CsvSource({"EPOLL, 1", "NIO, 1", "EPOLL, 2"})
    void serverAnswersEveryRecordedExchangeByteForByte(IoKind io, int sockets) throws Exception {
        MutableClock clock = new MutableClock();
        ServerConfig base = ServerConfig.defaults().withListen(new InetSocketAddress("::", 0));
        TransportConfig transport = new TransportConfig(io, sockets);
        try (ModstampServer main = ModstampServer.start(base, transport, new MemoryValueStore());
             ModstampServer repeat = ModstampServer.start(base.withBroadcastRepeat(2), transport, new MemoryValueStore());
             ModstampServer expiry = ModstampServer.start(base.withClock(clock), transport, new MemoryValueStore());
             UdpPeers peers = new UdpPeers()) {
            peers.add("L", "127.0.0.1").add("P", "127.0.0.1").add("X", "127.0.0.1").add("RO", "127.0.0.2");
            int expirySecond = 0;
            List<WireVectors.Case> cases = WireVectors.cases();
            assertEquals(48, cases.size());
            for (WireVectors.Case c : cases) {
                ModstampServer server = main;
                if (c.name().contains("[broadcastRepeat=2 server]")) {
                    server = repeat;
                } else if (c.name().contains("[expiry]")) {
                    server = expiry;
                    Matcher at = AT_SECOND.matcher(c.name());
                    if (at.find()) {
                        int second = Integer.parseInt(at.group(1));
                        clock.advance(Duration.ofSeconds(second - expirySecond));
                        expirySecond = second;
                    }
                }
                peers.send(c.from(), c.sent(), new InetSocketAddress("127.0.0.1", server.port()));
                List<String> expected = new ArrayList<>();
                for (WireVectors.Received r : c.received()) {
                    expected.add(r.to() + ": " + HexFormat.of().formatHex(r.bytes()));
                }
                List<String> got = peers.collect(expected.size(), 2_000, 60);
                assertEquals(perSocket(expected), perSocket(got), c.toString());
            }
        }
    }

    /** The datagrams in the order each socket got them (the order across sockets is the network's). */
    private static List<String> perSocket(List<String> datagrams) {
        List<String> sorted = new ArrayList<>();
        for (String socket : List.of("L", "P", "X", "RO")) {
            datagrams.stream().filter(d -> d.startsWith(socket + ": ")).forEach(sorted::add);
        }
        return sorted;
    }
}
