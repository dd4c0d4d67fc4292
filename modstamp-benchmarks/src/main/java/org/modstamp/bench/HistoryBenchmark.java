package org.modstamp.bench;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.modstamp.server.ServerStats;
import org.modstamp.server.history.RateHistory;
import org.modstamp.server.history.RecentChanges;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What the operator's view costs: the ring of recent changes, written by the engine thread once per stored
 * change (never per Query), and the traffic history, sampled once a second from the counters on another
 * thread. {@link #main} runs these with {@link HandlerBenchmark}'s Query and Change and prints the share of
 * the engine thread's time they take at {@value #CHANGES_PER_SECOND} changes a second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HistoryBenchmark {
    static final int CHANGES_PER_SECOND = 100_000;

    private final RecentChanges recent = new RecentChanges(200);
    private final RateHistory history = new RateHistory(
            List.of("datagramsIn", "queries", "changes", "signals", "dropped", "limited"), 900);
    private final ServerStats stats = new ServerStats();
    private final Map<String, String> sources = new HashMap<>();
    private final InetSocketAddress sender = new InetSocketAddress("127.0.0.1", 40000);
    private final byte[] value = "a value of some length, as changes carry".getBytes();
    private long millis;

    /**
     * The engine thread's part for one change: its sender formatted into the batch as the handler does, and the
     * change recorded in the ring once the batch is durable.
     */
    @Benchmark
    public RecentChanges recordChange() {
        sources.put("orders", sender.getAddress().getHostAddress() + ":" + sender.getPort());
        recent.record("orders", value, ++millis, sources.get("orders"));
        return recent;
    }

    /** One sample of the traffic history: the counters the WAR's sampler reads, summed the same way. */
    @Benchmark
    public RateHistory sampleHistory() {
        stats.queryHandled(); // a moving counter, as in a running server
        millis += 1000;
        ServerStats.Snapshot now = stats.snapshot();
        history.sample(millis, now.datagramsIn(), now.queries(), now.changes(), now.signals(), now.dropped(), now.limited());
        return history;
    }

    /**
     * Runs these and {@code HandlerBenchmark.query} and {@code .changeWithoutListeners} (no other listener),
     * taking JMH's options ({@code -wi 2 -w 1 -i 3 -r 1}, say), and prints the figures and the share.
     */
    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(HistoryBenchmark.class.getName() + "\\.")
                .include(HandlerBenchmark.class.getName() + "\\.(query|changeWithoutListeners)$")
                .param("listeners", "0")
                .build();
        Map<String, Double> ns = new TreeMap<>();
        Collection<RunResult> results = new Runner(options).run();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            ns.put(name.substring(name.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
        }
        double query = ns.get("query");
        double change = ns.get("changeWithoutListeners");
        double record = ns.get("recordChange");
        double sample = ns.get("sampleHistory");
        double ringPerSecond = record * CHANGES_PER_SECOND; // ns of engine thread per second
        double share = (ringPerSecond + sample) / 1e9;
        System.out.printf("history: query=%.1fns change=%.1fns record=%.1fns sample=%.1fns%n", query, change, record, sample);
        System.out.printf("history: at %,d changes/s the ring takes %.2f ms and the history's one sample %.3f us of"
                        + " each second: %.2f%% of the engine thread (counting the sample, which runs on another);"
                        + " of its Q/R capacity in the handler (%,.0f Queries/s) that is %,.0f Queries/s%n",
                CHANGES_PER_SECOND, ringPerSecond / 1e6, sample / 1e3, share * 100, 1e9 / query, share * 1e9 / query);
        System.out.printf("history: share=%.2f%% %s 3%%%n", share * 100, share < 0.03 ? "<" : ">=");
    }
}
