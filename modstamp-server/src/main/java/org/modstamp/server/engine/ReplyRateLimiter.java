package org.modstamp.server.engine;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.modstamp.server.registry.AddressPrefix;

/**
 * Bytes of replies to unauthenticated senders, per destination prefix (QUIC's anti-amplification rule,
 * RFC 9000 section 8, per network instead of per connection): every datagram received from a prefix earns it
 * 3 times its size in reply credit, and the prefix also earns {@code refillPerSecond} bytes a second; credit is
 * held up to {@code burst} bytes, which a prefix also starts with. Over any time T, a prefix is sent at most
 * 3 x what came from it + burst + refillPerSecond x T. At most {@code maxPrefixes} prefixes are tracked: when
 * full, the prefix heard from least recently gives way (its bucket is forgotten), so a flood from more networks
 * than the table holds costs bounded memory and never denies replies to the networks still talking; a prefix
 * under attack is heard from all the time, and keeps its bucket. Not thread-safe.
 */
final class ReplyRateLimiter {
    private final AddressPrefix prefixes;
    private final double amplification;
    private final double refillPerSecond;
    private final double burst;
    private final int maxPrefixes;
    private final Map<Long, double[]> ipv4 = new LinkedHashMap<>(16, 0.75f, true); // {credit, last update nanos}
    private final Map<Long, double[]> ipv6 = new LinkedHashMap<>(16, 0.75f, true); // in order of last use

    ReplyRateLimiter(AddressPrefix prefixes, double amplification, int refillPerSecond, int burst, int maxPrefixes) {
        this.prefixes = prefixes;
        this.amplification = amplification;
        this.refillPerSecond = refillPerSecond;
        this.burst = burst;
        this.maxPrefixes = maxPrefixes;
    }

    /** A datagram of {@code bytes} came from {@code source}: its prefix earns credit. */
    double[] received(InetAddress source, int bytes, long nowNanos) {
        Map<Long, double[]> table = AddressPrefix.isIpv4(source) ? ipv4 : ipv6;
        long prefix = prefixes.of(source);
        double[] bucket = table.get(prefix);
        if (bucket == null) {
            if (ipv4.size() + ipv6.size() >= maxPrefixes) {
                forgetLeastRecent();
            }
            bucket = new double[] {burst, nowNanos};
            table.put(prefix, bucket);
        }
        double refilled = bucket[0] + (nowNanos - (long) bucket[1]) * refillPerSecond / 1e9;
        bucket[0] = Math.min(burst, refilled) + amplification * bytes;
        bucket[1] = nowNanos;
        return bucket;
    }

    /** Forgets the bucket heard from least recently, of the larger table. */
    private void forgetLeastRecent() {
        Iterator<double[]> oldest = (ipv4.size() >= ipv6.size() ? ipv4 : ipv6).values().iterator();
        oldest.next();
        oldest.remove();
    }

    /** Takes {@code bytes} of credit from a bucket {@link #received} gave; false (nothing taken) when short. */
    static boolean spend(double[] bucket, int bytes) {
        if (bucket[0] < bytes) {
            return false;
        }
        bucket[0] -= bytes;
        return true;
    }

    /** Forgets prefixes whose credit is back at the burst (nothing owed). */
    void sweep(long nowNanos) {
        ipv4.values().removeIf(b -> b[0] + (nowNanos - (long) b[1]) * refillPerSecond / 1e9 >= burst);
        ipv6.values().removeIf(b -> b[0] + (nowNanos - (long) b[1]) * refillPerSecond / 1e9 >= burst);
    }

    int prefixes() {
        return ipv4.size() + ipv6.size();
    }
}
