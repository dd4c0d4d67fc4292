package org.modstamp.server.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How fast some counters moved over the last minutes: one sample per call of {@link #sample} (once a second),
 * kept in a ring of fixed size, so that its memory is bounded whatever the traffic:
 * {@code capacity x series x 8} bytes plus a few objects (900 samples of 10 series: 72 KB). Thread-safe.
 */
public final class RateHistory {
    private final List<String> series;
    private final int capacity;
    /** rates[i][s]: the increase of series s in sample i, per second. */
    private final long[][] rates;
    private final long[] times;
    private long[] lastTotals;
    private long lastTime;
    private int next;
    private int size;

    /** {@code capacity} samples of the counters named {@code series}. */
    public RateHistory(List<String> series, int capacity) {
        if (series.isEmpty() || capacity < 2) {
            throw new IllegalArgumentException("a history needs a series and room for 2 samples or more");
        }
        this.series = List.copyOf(series);
        this.capacity = capacity;
        this.rates = new long[capacity][series.size()];
        this.times = new long[capacity];
    }

    /**
     * Records the counters' totals at {@code epochMillis} (one per series, in order); the first call only
     * sets the baseline. A counter that went down (a restart) counts from zero.
     */
    public synchronized void sample(long epochMillis, long... totals) {
        if (totals.length != series.size()) {
            throw new IllegalArgumentException("expected " + series.size() + " totals, not " + totals.length);
        }
        if (lastTotals != null && epochMillis > lastTime) {
            double seconds = (epochMillis - lastTime) / 1000.0;
            long[] row = rates[next];
            for (int s = 0; s < totals.length; s++) {
                long delta = totals[s] >= lastTotals[s] ? totals[s] - lastTotals[s] : totals[s];
                row[s] = Math.round(delta / seconds);
            }
            times[next] = epochMillis;
            next = (next + 1) % capacity;
            size = Math.min(size + 1, capacity);
        }
        lastTotals = totals.clone();
        lastTime = epochMillis;
    }

    /** The samples, oldest first: {"times": [epochMillis...], "<series>": [per second...], ...}. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> json = new LinkedHashMap<>();
        List<Long> at = new ArrayList<>(size);
        List<List<Long>> columns = new ArrayList<>();
        series.forEach(s -> columns.add(new ArrayList<>(size)));
        for (int k = 0; k < size; k++) {
            int i = (next - size + k + capacity) % capacity;
            at.add(times[i]);
            for (int s = 0; s < series.size(); s++) {
                columns.get(s).add(rates[i][s]);
            }
        }
        json.put("times", at);
        for (int s = 0; s < series.size(); s++) {
            json.put(series.get(s), columns.get(s));
        }
        return json;
    }

    public List<String> series() {
        return series;
    }

    /** Bytes held by the samples: fixed at construction. */
    public long sampleBytes() {
        return (long) capacity * (series.size() + 1) * Long.BYTES;
    }

    @Override
    public synchronized String toString() {
        return "RateHistory" + series + " " + size + "/" + capacity + " " + Arrays.toString(lastTotals);
    }
}
