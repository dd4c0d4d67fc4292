package org.modstamp.cli.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.modstamp.cli.ModstampCommand;
import org.modstamp.testing.LinePusher;
import org.modstamp.testing.NamespaceJvm;
import org.modstamp.testing.NatNetwork;
import org.modstamp.testing.NatNetwork.Host;
import org.modstamp.testing.NatNetwork.NatMapping;

/**
 * A fan-out that the server's socket cannot take at once: 10,000 listeners behind the kernel's NAT, the server's
 * link limited to 20 Mbit/s, Signals of about 470 bytes (an id of 207 characters, a value of 250). The server hands its Signals to the kernel with
 * {@code sendmmsg} in one go; the link's queue holds them charged to the socket's send buffer (8 MB), which fills
 * after some thousands, and the rest must wait in Netty's outbound buffer and go when the buffer drains. Asserted:
 * the buffer did fill (the server's debug line), and every listener got its Signal all the same.
 */
class NatSlowUplinkFanoutTest {
    private static final int PORT = 1415;
    private static final int LISTENERS = 10_000;
    private static final Duration START = Duration.ofSeconds(90);

    @Test
    void everyListenerGetsItsSignalWhenTheSendBufferFills() throws Exception {
        String id = "orders." + "i".repeat(200);
        String value = "v".repeat(250);
        try (NatNetwork net = NatNetwork.create(NatMapping.MASQUERADE, 300);
             NamespaceJvm server = NamespaceJvm.start(net, Host.SERVER, "server", ModstampCommand.class, List.of(),
                     List.of("serve", "--listen", "0.0.0.0:" + PORT, "--memory", "--debug", "--ipv4-prefix", "32",
                             "--listeners-per-address", "100000", "--signals-per-second", "10000000",
                             "--reply-bytes-per-second", "100000000", "--reply-burst", "100000000"));
             NamespaceJvm pusher = NamespaceJvm.start(net, Host.SERVER, "pusher", LinePusher.class, List.of(),
                     List.of("127.0.0.1:" + PORT))) {
            server.await("modstamp server listening", START);
            pusher.await("pusher ready", START);
            try (NamespaceJvm listeners = NamespaceJvm.start(net, Host.CLIENT, "listeners", ManyListeners.class,
                    List.of("-Xmx256m"), List.of(NatNetwork.SERVER_ADDRESS + ":" + PORT, id,
                            String.valueOf(LISTENERS)))) {
                listeners.await("registered " + LISTENERS, START);
                net.slowServerUplink(20_000);
                pusher.send(id + "=" + value);
                pusher.await("confirmed " + id, START);
                listeners.send(value);
                NamespaceJvm.Line signalled = listeners.await("signalled", START);
                NamespaceJvm.Line filled = server.next(line -> line.contains("send buffer filled after"),
                        Duration.ofSeconds(5));
                assertNotNull(filled, "the socket's send buffer never filled, so this test did not test what it is "
                        + "for:\n" + server.transcript());
                System.out.println("slow uplink: " + filled.text() + "; " + signalled.text().replace(value, "(value)"));
                assertEquals("signalled " + LISTENERS + " of " + LISTENERS + " " + value, signalled.text());
            }
        }
    }
}
