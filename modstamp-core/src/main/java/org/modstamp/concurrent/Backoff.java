package org.modstamp.concurrent;

import java.time.Duration;

/**
 * A pause that grows with each consecutive failure: {@code initial} after the first, multiplied by
 * {@code factor} after each further one, never more than {@code cap}.
 */
public record Backoff(Duration initial, double factor, Duration cap) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || factor < 1 || cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("a backoff needs initial > 0, factor >= 1 and cap >= initial, not "
                    + initial + ", " + factor + ", " + cap);
        }
    }

    /** The pause after the {@code failures}-th consecutive failure (1 for the first). */
    public Duration after(int failures) {
        double nanos = initial.toNanos() * Math.pow(factor, Math.max(0, failures - 1));
        return nanos >= cap.toNanos() ? cap : Duration.ofNanos((long) nanos);
    }
}
