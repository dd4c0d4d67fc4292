package org.modstamp.ee;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the pusher has done, counted per id and target: changes queued, confirmed, given up, and replaced by a
 * newer value before confirmation; and two latencies over the last
 * {@value #WINDOW} deliveries: commit to confirmation, and time spent in the committing thread.
 */
public final class PusherStats {
    static final int WINDOW = 4096;

    final AtomicLong queued = new AtomicLong();
    final AtomicLong confirmed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    /** Values replaced by a newer one of the same id before they were confirmed. */
    final AtomicLong superseded = new AtomicLong();
    private final Window commitToConfirmed = new Window();
    private final Window inCommittingThread = new Window();

    /** A snapshot, latencies in microseconds. */
    public record Snapshot(long queued, long confirmed, long failed, long superseded, long commitToConfirmedP50Micros,
                           long commitToConfirmedP99Micros, long inCommittingThreadP50Micros,
                           long inCommittingThreadMaxMicros) {
    }

    void confirmedAfter(long nanos) {
        confirmed.incrementAndGet();
        commitToConfirmed.add(nanos);
    }

    void committingThreadSpent(long nanos) {
        inCommittingThread.add(nanos);
    }

    public Snapshot snapshot() {
        return new Snapshot(queued.get(), confirmed.get(), failed.get(), superseded.get(),
                commitToConfirmed.percentile(50) / 1000,
                commitToConfirmed.percentile(99) / 1000, inCommittingThread.percentile(50) / 1000,
                inCommittingThread.percentile(100) / 1000);
    }

    /** The last WINDOW samples. */
    private static final class Window {
        private final long[] samples = new long[WINDOW];
        private long count;

        synchronized void add(long value) {
            samples[(int) (count++ % WINDOW)] = value;
        }

        synchronized long percentile(double p) {
            int n = (int) Math.min(count, WINDOW);
            if (n == 0) {
                return 0;
            }
            long[] sorted = Arrays.copyOf(samples, n);
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100 * n) - 1;
            return sorted[Math.max(0, Math.min(n - 1, index))];
        }
    }
}
