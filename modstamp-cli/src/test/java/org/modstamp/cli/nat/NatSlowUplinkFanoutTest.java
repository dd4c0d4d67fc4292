package org.modstamp.cli.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.modstamp.cli.ModstampCommand;
import org.modstamp.testing.LinePusher;
import org.modstamp.testing.NamespaceJvm;
import org.modstamp.testing.NatNetwork;
import org.modstamp.testing.NatNetwork.Host;
import org.modstamp.testing.NatNetwork.NatMapping;

/**
 * A fan-out that the server's socket cannot take at once: 10,000 listeners behind the kernel's NAT, the server's
 * link limited to 20 Mbit/s, Signals of about 470 bytes (an id of 207 characters, a value of 250). The server hands
 * its Signals to the kernel with {@code sendmmsg} in one go; the link's queue holds them charged to the socket's send
 * buffer (8 MB), which fills after some thousands, and the rest waits in the server's send queue and goes as the
 * buffer drains. The writer sits on the server's host, so its Ms leave from the same socket.
 */
class NatSlowUplinkFanoutTest {
    private static final int PORT = 1415;
    private static final int LISTENERS = 10_000;
    private static final Duration START = Duration.ofSeconds(90);
    private static final String ID = "orders." + "i".repeat(200);
    private static final String VALUE = "v".repeat(250);

    /**
     * Asserted: the buffer did fill (the server's debug line); the writer, pushing again (another id) once confirmed,
     * got both confirmations before the server's queue drained (they went ahead of the waiting Signals: without
     * that, the first M waits behind them, and so does the second push); every listener got its Signal all the same.
     */
    @Test
    void everyListenerGetsItsSignalWhenTheSendBufferFillsAndTheWriterItsConfirmationsAtOnce() throws Exception {
        try (NatNetwork net = NatNetwork.create(NatMapping.MASQUERADE, 300);
             NamespaceJvm server = server(net, List.of());
             NamespaceJvm pusher = pusher(net);
             NamespaceJvm listeners = listeners(net)) {
            net.slowServerUplink(20_000);
            pusher.send(ID + "=" + VALUE);
            pusher.await("confirmed " + ID, START);
            pusher.send("other=1");
            NamespaceJvm.Line confirmed = pusher.await("confirmed other=1", START);
            listeners.send(VALUE);
            NamespaceJvm.Line signalled = listeners.await("signalled", START);
            NamespaceJvm.Line filled = filled(server);
            NamespaceJvm.Line drained = server.next(line -> line.contains("datagrams that waited for room"),
                    Duration.ofSeconds(5));
            assertNotNull(drained, "no line of the server's queue draining:\n" + server.transcript());
            System.out.printf("slow uplink: %s; %s; %s; the writer's second confirmation %.1f ms before it%n",
                    filled.text(), drained.text(), signalled.text().replace(VALUE, "(value)"),
                    (drained.nanos() - confirmed.nanos()) / 1e6);
            assertTrue(confirmed.nanos() < drained.nanos(), "the writer's confirmations waited behind the "
                    + "Signals:\n" + server.transcript());
            assertEquals("signalled " + LISTENERS + " of " + LISTENERS + " " + VALUE, signalled.text());
        }
    }

    /**
     * The same fan-out with room for 1,000 datagrams in the server's send queue: what does not fit is dropped and
     * counted in a warning, exactly the Signals the listeners miss, and the writer is confirmed all the same.
     */
    @Test
    void whatWaitsIsBoundedAndWhatDoesNotFitIsDroppedAndCounted() throws Exception {
        try (NatNetwork net = NatNetwork.create(NatMapping.MASQUERADE, 300);
             NamespaceJvm server = server(net, List.of("-Dmodstamp.sendQueueLimit=1000"));
             NamespaceJvm pusher = pusher(net);
             NamespaceJvm listeners = listeners(net)) {
            net.slowServerUplink(20_000);
            pusher.send(ID + "=" + VALUE);
            pusher.await("confirmed " + ID, START);
            listeners.send(VALUE);
            NamespaceJvm.Line signalled = listeners.await("signalled", START);
            filled(server);
            NamespaceJvm.Line warning = server.next(line -> line.contains("datagram(s) were dropped"),
                    Duration.ofSeconds(5));
            assertNotNull(warning, "nothing was dropped:\n" + server.transcript());
            System.out.println("slow uplink, a queue of 1,000: " + warning.text() + "; "
                    + signalled.text().replace(VALUE, "(value)"));
            Matcher dropped = Pattern.compile("(\\d+) datagram\\(s\\) were dropped").matcher(warning.text());
            assertTrue(dropped.find(), warning.text());
            int missed = Integer.parseInt(dropped.group(1));
            assertTrue(missed > 0 && missed < LISTENERS, warning.text());
            assertEquals("signalled " + (LISTENERS - missed) + " of " + LISTENERS + " " + VALUE, signalled.text());
        }
    }

    private static NamespaceJvm server(NatNetwork net, List<String> jvmOptions) throws Exception {
        NamespaceJvm server = NamespaceJvm.start(net, Host.SERVER, "server", ModstampCommand.class, jvmOptions,
                List.of("serve", "--listen", "0.0.0.0:" + PORT, "--memory", "--debug", "--ipv4-prefix", "32",
                        "--listeners-per-address", "100000", "--signals-per-second", "10000000",
                        "--reply-bytes-per-second", "100000000", "--reply-burst", "100000000"));
        return started(server, "modstamp server listening");
    }

    private static NamespaceJvm pusher(NatNetwork net) throws Exception {
        NamespaceJvm pusher = NamespaceJvm.start(net, Host.SERVER, "pusher", LinePusher.class, List.of(),
                List.of("127.0.0.1:" + PORT));
        return started(pusher, "pusher ready");
    }

    /** The listeners, registered (the server and the pusher are up by then). */
    private static NamespaceJvm listeners(NatNetwork net) throws Exception {
        NamespaceJvm listeners = NamespaceJvm.start(net, Host.CLIENT, "listeners", ManyListeners.class,
                List.of("-Xmx256m"), List.of(NatNetwork.SERVER_ADDRESS + ":" + PORT, ID, String.valueOf(LISTENERS)));
        return started(listeners, "registered " + LISTENERS);
    }

    /** {@code jvm} once it printed {@code line}; stopped if it does not in time. */
    private static NamespaceJvm started(NamespaceJvm jvm, String line) throws InterruptedException {
        try {
            jvm.await(line, START);
            return jvm;
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
    }

    /** The server's line of its send buffer filling; fails if there is none: the test would not test its point. */
    private static NamespaceJvm.Line filled(NamespaceJvm server) throws InterruptedException {
        NamespaceJvm.Line filled = server.next(line -> line.contains("send buffer filled after"), Duration.ofSeconds(5));
        assertNotNull(filled, "the socket's send buffer never filled, so this test did not test what it is for:\n"
                + server.transcript());
        return filled;
    }
}
