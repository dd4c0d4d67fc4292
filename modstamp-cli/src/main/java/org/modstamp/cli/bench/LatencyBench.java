package org.modstamp.cli.bench;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Push-to-listener latency through the client library: from {@code push} to the listener's handler. */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Push-to-listener latency: a producer client pushes, a listener client's handler is called.")
final class LatencyBench implements Callable<Integer> {
    private static final String ID = "bench.latency";

    @Option(names = "--server", defaultValue = "127.0.0.1:1415", description = "Server (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--rounds", defaultValue = "2000", description = "Measured pushes (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "500", description = "Pushes before measuring (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--rate", defaultValue = "2000", description = "Pushes per second at most (default: "
            + "${DEFAULT-VALUE}; a server's default abuse limit drops Signals beyond 10,000/s to one address)")
    int rate;

    @Spec
    CommandSpec spec;

    private volatile long pushedAt;
    private volatile boolean measuring;

    @Override
    public Integer call() throws Exception {
        if (rate < 1) {
            throw new ParameterException(spec.commandLine(), "--rate must be at least 1 push per second, not " + rate);
        }
        var address = HostPort.parse(server, Protocol.DEFAULT_PORT).resolve();
        Latencies latencies = new Latencies();
        Semaphore delivered = new Semaphore(0);
        int missed = 0;
        try (ModstampClient producer = ModstampClient.open(address, ClientConfig.defaults());
             ModstampClient listener = ModstampClient.open(address, ClientConfig.defaults())) {
            producer.push(Map.of(ID, "start"));
            listener.listen(Map.of(ID, "start"), (id, value) -> {
                if (measuring) {
                    latencies.record(System.nanoTime() - pushedAt);
                }
                delivered.release();
            });
            Thread.sleep(200);
            long period = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (int i = -warmup; i < rounds; i++) {
                next += period;
                measuring = i >= 0;
                pushedAt = System.nanoTime();
                var confirmed = producer.pushAsync(Map.of(ID, "v" + i));
                if (!delivered.tryAcquire(2, TimeUnit.SECONDS)) {
                    missed++;
                }
                confirmed.join();
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }
        System.out.printf("latency: rounds=%d rate=%d missed=%d %s%n", rounds, rate, missed, latencies.fields());
        return 0;
    }
}
