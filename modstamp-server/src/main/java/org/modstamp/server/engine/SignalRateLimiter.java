package org.modstamp.server.engine;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.modstamp.server.registry.AddressPrefix;

/**
 * A token bucket per destination network (an IPv4 /24, an IPv6 /64 by default: addresses of one network
 * count together, so that forged sources spread over a victim's network gain nothing): at most
 * {@code perSecond} Signal datagrams a second to one network (with bursts up to the same number); each
 * {@code broadcastRepeat} copy takes a token. At most {@code maxNetworks} networks are tracked: when full, the
 * one sent to least recently gives way. Not thread-safe: the engine thread owns it.
 */
final class SignalRateLimiter {
    private final int perSecond;
    private final AddressPrefix prefixes;
    private final int maxNetworks;
    private final Map<Long, double[]> ipv4 = new LinkedHashMap<>(16, 0.75f, true); // {tokens, last refill nanos}
    private final Map<Long, double[]> ipv6 = new LinkedHashMap<>(16, 0.75f, true); // in order of last use

    SignalRateLimiter(int perSecond, AddressPrefix prefixes, int maxNetworks) {
        this.perSecond = perSecond;
        this.prefixes = prefixes;
        this.maxNetworks = maxNetworks;
    }

    /** Takes a token per copy for {@code destination}'s network; false (none taken) when short. */
    boolean allow(InetAddress destination, int copies, long nowNanos) {
        int datagrams = Math.min(copies, perSecond); // more copies than a second holds: a full bucket pays
        Map<Long, double[]> buckets = AddressPrefix.isIpv4(destination) ? ipv4 : ipv6;
        long network = prefixes.of(destination);
        double[] bucket = buckets.get(network);
        if (bucket == null) {
            if (ipv4.size() + ipv6.size() >= maxNetworks) {
                Iterator<double[]> oldest = (ipv4.size() >= ipv6.size() ? ipv4 : ipv6).values().iterator();
                oldest.next();
                oldest.remove();
            }
            bucket = new double[] {perSecond, nowNanos};
            buckets.put(network, bucket);
        }
        double refilled = Math.min(perSecond, bucket[0] + (nowNanos - (long) bucket[1]) * perSecond / 1e9);
        bucket[1] = nowNanos;
        if (refilled < datagrams) {
            bucket[0] = refilled;
            return false;
        }
        bucket[0] = refilled - datagrams;
        return true;
    }

    int networks() {
        return ipv4.size() + ipv6.size();
    }

    /** Forgets full buckets (networks that have not been sent to for a while). */
    void sweep(long nowNanos) {
        ipv4.values().removeIf(b -> b[0] + (nowNanos - (long) b[1]) * perSecond / 1e9 >= perSecond);
        ipv6.values().removeIf(b -> b[0] + (nowNanos - (long) b[1]) * perSecond / 1e9 >= perSecond);
    }
}
