package org.modstamp.cli.bench;

import org.HdrHistogram.Histogram;

/** Latency percentiles in microseconds, from nanosecond samples. */
final class Latencies {
    private final Histogram histogram = new Histogram(60_000_000_000L, 3);

    void record(long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos, histogram.getHighestTrackableValue())));
    }

    long count() {
        return histogram.getTotalCount();
    }

    long maxNanos() {
        return histogram.getMaxValue();
    }

    void add(Latencies other) {
        histogram.add(other.histogram);
    }

    long percentileNanos(double percentile) {
        return histogram.getValueAtPercentile(percentile);
    }

    void reset() {
        histogram.reset();
    }

    /** The percentiles as key=value fields (microseconds), for one-line summaries that scripts parse. */
    String fields() {
        return String.format("p50_us=%d p99_us=%d p999_us=%d max_us=%d", histogram.getValueAtPercentile(50) / 1000,
                histogram.getValueAtPercentile(99) / 1000, histogram.getValueAtPercentile(99.9) / 1000,
                histogram.getMaxValue() / 1000);
    }

    String summary() {
        return String.format("p50 %s  p99 %s  p99.9 %s  max %s", us(50), us(99), us(99.9), format(histogram.getMaxValue()));
    }

    private String us(double percentile) {
        return format(histogram.getValueAtPercentile(percentile));
    }

    private static String format(long nanos) {
        return nanos >= 10_000_000 ? String.format("%.1f ms", nanos / 1e6) : String.format("%.0f us", nanos / 1e3);
    }
}
