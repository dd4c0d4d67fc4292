package org.modstamp.client;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a client knows of how long its NAT keeps an idle UDP mapping, and the keep-alive interval that follows,
 * learned as RFC 5780 discovers a binding lifetime: probes on sockets of their own each ask the server for an
 * answer after an age, and an answer that arrives proves that a mapping of that age still carries traffic. A
 * first round tries ages from 5 s to the bound, doubling; each next round tries {@value #REFINING_PROBES} ages
 * between the longest age that carried and the shortest that did not, until they are within 6% (or 0.5 s) of
 * each other. The interval is 90% of the longest age that carried (with up to 5% more of jitter), at most
 * {@link #MAX_INTERVAL_MILLIS} and 90% of the server's listener TTL; nothing proven yet, the caller keeps its
 * fixed interval. Pure logic on the client loop, times in milliseconds: not thread-safe.
 */
final class MappingLifetime {
    /** The longest keep-alive interval, whatever the NAT: 5 minutes. */
    static final long MAX_INTERVAL_MILLIS = 300_000;
    static final long FIRST_AGE_MILLIS = 5_000;
    static final int REFINING_PROBES = 4;
    static final double SAFE_SHARE = 0.9;
    static final double JITTER_SHARE = 0.05;
    private static final double PRECISION = 1.06;
    private static final long FINEST_MILLIS = 500;
    private static final long NONE = Long.MAX_VALUE;

    private long maxAge = MAX_INTERVAL_MILLIS;
    private long carried;
    private long failed = NONE;
    private final TreeSet<Long> running = new TreeSet<>();

    /** The longest age a probe proved a mapping carries traffic at, 0 for none yet. */
    long provenMillis() {
        return carried;
    }

    /** The shortest age a probe did not carry at, {@link Long#MAX_VALUE} for none. */
    long failedMillis() {
        return failed;
    }

    /** The server keeps a listener registered this long after its last Query: no interval may reach it. */
    void listenerTtl(long ttlMillis) {
        long bound = Math.min(MAX_INTERVAL_MILLIS, Math.max(FIRST_AGE_MILLIS, ttlMillis));
        if (bound != maxAge) {
            maxAge = bound;
            carried = Math.min(carried, maxAge);
        }
    }

    /** The keep-alive interval for what is proven, or 0 when nothing is (the caller's fixed interval holds). */
    long intervalMillis() {
        return carried == 0 ? 0 : (long) (Math.min(carried, maxAge) * SAFE_SHARE);
    }

    /** The jitter to add to {@link #intervalMillis}, so that it never reaches 95% of the proven age. */
    long jitterMillis() {
        return (long) (carried * JITTER_SHARE);
    }

    /** Whether the lifetime is known as closely as this class learns it. */
    boolean settled() {
        return carried >= maxAge || (failed != NONE && (failed <= carried * PRECISION || failed - carried <= FINEST_MILLIS));
    }

    /** The ages to probe now: a new round when none runs and the lifetime is not settled, else none. */
    List<Long> nextRound() {
        if (!running.isEmpty() || settled()) {
            return List.of();
        }
        List<Long> ages = new ArrayList<>();
        if (carried == 0 && failed == NONE) {
            for (long age = FIRST_AGE_MILLIS; age < maxAge; age *= 2) {
                ages.add(age);
            }
            ages.add(maxAge);
        } else {
            double low = Math.max(carried, FIRST_AGE_MILLIS / 2.0);
            boolean bounded = failed != NONE;
            double high = bounded ? failed : maxAge;
            int steps = bounded ? REFINING_PROBES + 1 : REFINING_PROBES;
            double ratio = Math.pow(high / low, 1.0 / steps);
            for (int i = 1; i <= REFINING_PROBES; i++) {
                long age = Math.round(low * Math.pow(ratio, i));
                if (age > carried && age < failed && age <= maxAge) {
                    ages.add(age);
                }
            }
        }
        running.addAll(ages);
        return ages;
    }

    /**
     * A probe of {@code ageMillis} ended: it {@code carried} the server's answer or not. Returns the ages of the
     * round that an age which did not carry makes pointless (every longer one): their probes can stop.
     */
    List<Long> resolved(long ageMillis, boolean didCarry) {
        running.remove(ageMillis);
        if (didCarry) {
            carried = Math.max(carried, ageMillis);
            if (failed <= carried) { // the shorter one's answer was lost on the way: trust the one that came
                failed = NONE;
            }
            return List.of();
        }
        if (ageMillis > carried) {
            failed = Math.min(failed, ageMillis);
        }
        List<Long> pointless = new ArrayList<>(running.tailSet(ageMillis, false));
        running.removeAll(pointless);
        return pointless;
    }

    /** A probe of {@code ageMillis} ended without an answer to its request: it says nothing. */
    void abandoned(long ageMillis) {
        running.remove(ageMillis);
    }

    /** The NAT changed (the mapping moved, or a known age no longer carries): learn again from nothing. */
    void forget() {
        carried = 0;
        failed = NONE;
        running.clear();
    }
}
