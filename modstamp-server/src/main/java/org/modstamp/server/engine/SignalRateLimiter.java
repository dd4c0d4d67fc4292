package org.modstamp.server.engine;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per destination IP address: at most {@code perSecond} Signals a second to one address
 * (with bursts up to the same number). Not thread-safe: the engine thread owns it.
 */
final class SignalRateLimiter {
    private final int perSecond;
    private final Map<InetAddress, double[]> buckets = new HashMap<>(); // {tokens, last refill nanos}

    SignalRateLimiter(int perSecond) {
        this.perSecond = perSecond;
    }

    /** Takes a token for {@code destination}; false when its bucket is empty. */
    boolean allow(InetAddress destination, long nowNanos) {
        double[] bucket = buckets.computeIfAbsent(destination, d -> new double[] {perSecond, nowNanos});
        double refilled = Math.min(perSecond, bucket[0] + (nowNanos - (long) bucket[1]) * perSecond / 1e9);
        bucket[1] = nowNanos;
        if (refilled < 1) {
            bucket[0] = refilled;
            return false;
        }
        bucket[0] = refilled - 1;
        return true;
    }

    /** Forgets full buckets (addresses that have not been sent to for a while). */
    void sweep(long nowNanos) {
        buckets.values().removeIf(b -> b[0] + (nowNanos - (long) b[1]) * perSecond / 1e9 >= perSecond);
    }
}
