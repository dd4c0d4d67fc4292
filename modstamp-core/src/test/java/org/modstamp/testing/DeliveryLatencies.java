package org.modstamp.testing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.modstamp.client.ModstampClient;

/**
 * The EE benchmarks' figures for one run of changes of an id: each change's time from its C to the bean (µs) and
 * its stages (to the adapter's socket, from there to the bean, the bean's transaction until it committed), how many
 * changes reached the bean only with a later value, how long the run took, and how long the JIT compilers of the
 * container and of the test's own JVM spent compiling meanwhile (ms).
 */
public record DeliveryLatencies(long[] total, long[] toAdapter, long[] toBean, long[] toCommit, int coalesced,
                                long elapsedMillis, long containerJitMillis, long testJitMillis) {
    /** The id the benchmark changes. */
    public static final String ID = "lat";
    /** The gap between paced changes. */
    private static final Duration PACE = Duration.ofMillis(2);
    /** Changes in a measured run. */
    private static final int ROUNDS = 300;
    /** Warm-up runs at most. */
    private static final int MAX_WARM_UP = 30;

    /** When a bean got a change, when its adapter had received it, and when the bean's transaction committed (µs). */
    public record Delivery(long atBeanMicros, long receivedMicros, long committedMicros) {
    }

    /** A call of the container under test. */
    @FunctionalInterface
    public interface Call<T, R> {
        R call(T argument) throws Exception;
    }

    /**
     * What a benchmark needs: a producer of the server the container's adapter listens to; a call that returns once
     * the bean's delivery of a value of {@link #ID} committed, and fails if it did not within seconds; a call for the
     * bean's committed deliveries of the values that start with a prefix, by value; and one for the milliseconds the
     * container's JIT compilers spent compiling since its start.
     */
    public record Bench(ModstampClient producer, Call<String, ?> awaitCommitted, Call<String, Map<String, Delivery>> deliveries,
                        Reading containerJitMillis) {
    }

    /** A figure read from the container under test. */
    @FunctionalInterface
    public interface Reading {
        long read() throws Exception;
    }

    /**
     * Prints, each in a line after {@code linePrefix}: the figures right after the deployment ({@code cold}: one
     * change after the other), the warm-up until the JIT compilers are quiet, then paced ({@code warm-paced}) and one
     * after the other again ({@code warm}).
     */
    public static void print(String linePrefix, Bench bench) throws Exception {
        System.out.println(linePrefix + "cold " + measure(bench, "l", false).summary());
        System.out.println(linePrefix + "warm-up " + warmUpSummary(warmUp(bench)));
        System.out.println(linePrefix + "warm-paced " + measure(bench, "p", true).summary());
        System.out.println(linePrefix + "warm " + measure(bench, "m", false).summary());
    }

    /**
     * Times {@link #ROUNDS} changes: one after the other, each once the bean committed the one before, or,
     * {@code paced}, one every {@link #PACE} with no call of the container on the way. The bean's times are read once
     * at the end. A paced change that came while the one before still waited for the bean may be delivered in its
     * place (the latest value wins): it reached the bean with that delivery, and counts with its times.
     */
    private static DeliveryLatencies measure(Bench bench, String prefix, boolean paced) throws Exception {
        long[] sentMicros = new long[ROUNDS];
        long containerJit = bench.containerJitMillis().read();
        long testJit = testJvmJitMillis();
        long began = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) {
            if (paced) {
                pauseUntil(began + i * PACE.toNanos());
            }
            sentMicros[i] = micros(Instant.now());
            bench.producer().push(Map.of(ID, prefix + i));
            if (!paced) {
                bench.awaitCommitted().call(prefix + i);
            }
        }
        bench.awaitCommitted().call(prefix + (ROUNDS - 1));
        long elapsedMillis = (System.nanoTime() - began) / 1_000_000;
        long containerJitMillis = bench.containerJitMillis().read() - containerJit;
        long testJitMillis = testJvmJitMillis() - testJit;

        Map<String, Delivery> deliveries = bench.deliveries().call(prefix);
        long[][] times = new long[ROUNDS][]; // total, to adapter, adapter to bean, bean to commit
        int coalesced = 0;
        Delivery carrier = null;
        for (int i = ROUNDS - 1; i >= 0; i--) {
            Delivery own = deliveries.get(prefix + i);
            if (own != null) {
                carrier = own;
            } else {
                coalesced++;
            }
            if (carrier == null) {
                throw new AssertionError("no delivery of the last change " + prefix + i + " was recorded");
            }
            times[i] = new long[] {carrier.atBeanMicros() - sentMicros[i], carrier.receivedMicros() - sentMicros[i],
                    carrier.atBeanMicros() - carrier.receivedMicros(), carrier.committedMicros() - carrier.atBeanMicros()};
        }
        return new DeliveryLatencies(column(times, 0), column(times, 1), column(times, 2), column(times, 3), coalesced,
                elapsedMillis, containerJitMillis, testJitMillis);
    }

    /**
     * Paced runs until one spends under a tenth of its time compiling (in both JVMs), {@link #MAX_WARM_UP} at most;
     * their p50s and compile times are in {@link #warmUpSummary}.
     */
    private static List<DeliveryLatencies> warmUp(Bench bench) throws Exception {
        List<DeliveryLatencies> runs = new ArrayList<>();
        do {
            runs.add(measure(bench, "w" + runs.size() + ".", true));
        } while (!runs.get(runs.size() - 1).compilersQuiet() && runs.size() < MAX_WARM_UP);
        return runs;
    }

    private static String warmUpSummary(List<DeliveryLatencies> runs) {
        return "rounds=" + runs.size() + " of " + ROUNDS + " changes; by round, p50_us="
                + runs.stream().map(r -> String.valueOf(sorted(r.total)[r.total.length / 2])).collect(Collectors.joining(","))
                + " jit_ms/elapsed_ms="
                + runs.stream().map(r -> r.jitMillis() + "/" + r.elapsedMillis).collect(Collectors.joining(","));
    }

    public long jitMillis() {
        return containerJitMillis + testJitMillis;
    }

    public boolean compilersQuiet() {
        return jitMillis() * 10 < elapsedMillis;
    }

    /** The figures in one line: the total, then its stages, then the compile times. */
    public String summary() {
        return "rounds=" + total.length + " coalesced=" + coalesced + " " + percentiles(total) + " to_adapter("
                + percentiles(toAdapter) + ") adapter_to_bean(" + percentiles(toBean) + ") bean_to_commit("
                + percentiles(toCommit) + ") elapsed_ms=" + elapsedMillis + " container_jit_ms=" + containerJitMillis
                + " test_jvm_jit_ms=" + testJitMillis;
    }

    private static String percentiles(long[] micros) {
        long[] sorted = sorted(micros);
        return "p50_us=" + sorted[sorted.length / 2] + " p99_us=" + sorted[sorted.length * 99 / 100] + " max_us="
                + sorted[sorted.length - 1];
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    private static long testJvmJitMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static long[] sorted(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    private static long[] column(long[][] rows, int column) {
        return Arrays.stream(rows).mapToLong(row -> row[column]).toArray();
    }

    private static void pauseUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
