package org.modstamp.cli.nat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.modstamp.cli.ModstampCommand;
import org.modstamp.testing.LinePusher;
import org.modstamp.testing.NamespaceJvm;
import org.modstamp.testing.NatNetwork;
import org.modstamp.testing.NatNetwork.Host;

/**
 * Runs a {@link NatScenario} for real: its own namespaces and kernel NAT, {@code modstamp serve} (values in
 * memory) in the server's, a producer beside it on loopback, {@code modstamp listen} or a Payara Micro with the
 * RAR and an MDB ({@link PayaraMicroListener}) in the client's; every process and namespace is gone when
 * {@link #run} returns, also when it fails.
 */
final class NatScenarioRun {
    private static final int PORT = 1415;
    private static final String ID = "orders";
    private static final Duration START = Duration.ofSeconds(90);
    /** For a look inside: -Dmodstamp.nat.listenerJvm="-Djava.util.logging.config.file=FILE" (one option). */
    private static final List<String> LISTENER_JVM_OPTIONS = System.getProperty("modstamp.nat.listenerJvm", "").isEmpty()
            ? List.of() : List.of(System.getProperty("modstamp.nat.listenerJvm"));

    private final NatScenario scenario;
    private final Random random = new Random();

    NatScenarioRun(NatScenario scenario) {
        this.scenario = scenario;
    }

    NatScenarioResult run() throws Exception {
        try (NatNetwork net = NatNetwork.create(scenario.mapping(), scenario.lifetimeSeconds());
             NamespaceJvm server = NamespaceJvm.start(net, Host.SERVER, scenario.name() + ": server",
                     ModstampCommand.class, List.of(), List.of("serve", "--listen", "0.0.0.0:" + PORT, "--memory"));
             NamespaceJvm pusher = NamespaceJvm.start(net, Host.SERVER, scenario.name() + ": pusher",
                     LinePusher.class, List.of(), List.of("127.0.0.1:" + PORT))) {
            server.await("modstamp server listening", START);
            pusher.await("pusher ready", START);
            push(pusher, "first");
            try (NamespaceJvm listener = startListener(net)) {
                NatScenarioResult result = sparseChanges(net, pusher, listener);
                if (!LISTENER_JVM_OPTIONS.isEmpty() || scenario.listener() == NatScenario.Listener.RESOURCE_ADAPTER) {
                    System.out.println(scenario.name() + ": the listener's " + (LISTENER_JVM_OPTIONS.isEmpty()
                            ? "keep-alive reports" : "output") + ":\n" + reports(listener.transcript()));
                }
                return result;
            }
        }
    }

    private NamespaceJvm startListener(NatNetwork net) throws Exception {
        String server = NatNetwork.SERVER_ADDRESS + ":" + PORT;
        String name = scenario.name() + ": listener";
        if (scenario.listener() == NatScenario.Listener.RESOURCE_ADAPTER) {
            return PayaraMicroListener.start(net, name, server, START);
        }
        List<String> listen = new ArrayList<>(List.of("listen", "--server", server));
        listen.addAll(scenario.listenOptions());
        listen.add(ID);
        return NamespaceJvm.start(net, Host.CLIENT, name, ModstampCommand.class, LISTENER_JVM_OPTIONS, listen);
    }

    /** What to print of the listener's output: all of it when asked for, else the adapter's keep-alive reports. */
    private static String reports(String transcript) {
        return LISTENER_JVM_OPTIONS.isEmpty() ? String.join("\n", transcript.lines()
                .filter(l -> l.contains("keep-alive every")).toList()) : transcript;
    }

    /** Whether {@code line} is the listener's report of {@code value}, as either kind of listener prints it. */
    private static java.util.function.Predicate<String> heard(String value) {
        String change = ID + "\t" + value;
        return line -> line.startsWith(change) || line.contains(PayaraMicroListener.HEARD + change);
    }

    private NatScenarioResult sparseChanges(NatNetwork net, NamespaceJvm pusher, NamespaceJvm listener)
            throws Exception {
        awaitListening(pusher, listener);
        if (scenario.lossPercent() > 0) {
            net.loseDatagrams(scenario.lossPercent());
        }
        Thread.sleep(scenario.learning().toMillis());
        net.countClientDatagrams(PORT);
        long start = System.nanoTime();
        List<Duration> delays = new ArrayList<>();
        long due = start;
        long halfway = start;
        long halfwayDatagrams = 0;
        long halfwayQueries = 0;
        for (int i = 1; i <= scenario.changes(); i++) {
            due += scenario.gap(random).toNanos(); // from the last push, however late it was heard
            if (scenario.restartOnce() && i == scenario.changes() / 2) {
                sleepUntil(due - (due - System.nanoTime()) / 2);
                net.restart();
            }
            sleepUntil(due);
            String value = String.format("v%03d", i);
            long pushed = push(pusher, value);
            NamespaceJvm.Line heard = listener.next(heard(value), scenario.lostAfter());
            delays.add(heard == null ? null : Duration.ofNanos(heard.nanos() - pushed));
            if (i == (scenario.changes() + 1) / 2) {
                halfway = System.nanoTime();
                halfwayDatagrams = net.clientDatagrams();
                halfwayQueries = net.clientQueryDatagrams();
            }
        }
        sleepUntil(due + scenario.gap(random).toNanos()); // as long after the last change as between two
        Duration measured = Duration.ofNanos(System.nanoTime() - halfway);
        return new NatScenarioResult(scenario, delays, net.clientDatagrams() - halfwayDatagrams,
                net.clientQueryDatagrams() - halfwayQueries, measured);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    /** Waits until the listener hears a change: it is registered, through the NAT. */
    private void awaitListening(NamespaceJvm pusher, NamespaceJvm listener) throws Exception {
        for (int attempt = 0; attempt < 30; attempt++) {
            String value = String.format("ready%03d", attempt);
            push(pusher, value);
            if (listener.next(heard(value), Duration.ofSeconds(2)) != null) {
                return;
            }
        }
        throw new IllegalStateException(scenario.name() + ": the listener heard nothing within a minute; its output:\n"
                + listener.transcript());
    }

    /** Pushes a value of the id and waits for its confirmation; returns when it was handed to the producer. */
    private long push(NamespaceJvm pusher, String value) throws InterruptedException {
        long sent = System.nanoTime();
        pusher.send(ID + "=" + value);
        pusher.await("confirmed " + ID + "=" + value, Duration.ofSeconds(10));
        return sent;
    }
}
