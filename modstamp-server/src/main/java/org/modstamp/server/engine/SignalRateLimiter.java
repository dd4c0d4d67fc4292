package org.modstamp.server.engine;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import org.modstamp.server.registry.AddressPrefix;

/**
 * A token bucket per destination network (an IPv4 /24, an IPv6 /64 by default: addresses of one network
 * count together, so that forged sources spread over a victim's network gain nothing): at most
 * {@code perSecond} Signal datagrams a second to one network (with bursts up to the same number); each
 * {@code broadcastRepeat} copy takes a token. Not thread-safe: the engine thread owns it.
 */
final class SignalRateLimiter {
    private final int perSecond;
    private final AddressPrefix prefixes;
    private final Map<Long, double[]> ipv4 = new HashMap<>(); // {tokens, last refill nanos}
    private final Map<Long, double[]> ipv6 = new HashMap<>();

    SignalRateLimiter(int perSecond, AddressPrefix prefixes) {
        this.perSecond = perSecond;
        this.prefixes = prefixes;
    }

    /** Takes a token per copy for {@code destination}'s network; false (none taken) when short. */
    boolean allow(InetAddress destination, int copies, long nowNanos) {
        int datagrams = Math.min(copies, perSecond); // more copies than a second holds: a full bucket pays
        Map<Long, double[]> buckets = AddressPrefix.isIpv4(destination) ? ipv4 : ipv6;
        double[] bucket = buckets.computeIfAbsent(prefixes.of(destination), d -> new double[] {perSecond, nowNanos});
        double refilled = Math.min(perSecond, bucket[0] + (nowNanos - (long) bucket[1]) * perSecond / 1e9);
        bucket[1] = nowNanos;
        if (refilled < datagrams) {
            bucket[0] = refilled;
            return false;
        }
        bucket[0] = refilled - datagrams;
        return true;
    }

    /** Forgets full buckets (networks that have not been sent to for a while). */
    void sweep(long nowNanos) {
        ipv4.values().removeIf(b -> b[0] + (nowNanos - (long) b[1]) * perSecond / 1e9 >= perSecond);
        ipv6.values().removeIf(b -> b[0] + (nowNanos - (long) b[1]) * perSecond / 1e9 >= perSecond);
    }
}
