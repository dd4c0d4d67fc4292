package org.modstamp.client;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * What a client knows of how long its NAT keeps an idle UDP mapping, and the keep-alive interval that follows,
 * learned as RFC 5780 discovers a binding lifetime: probes on sockets of their own each ask the server for an
 * answer after an age, and an answer that arrives proves that a mapping of that age still carries traffic. A
 * first round tries ages from 5 s to the bound, doubling; each next round tries {@value #REFINING_PROBES} ages
 * between the longest age that carried and the shortest that did not, until they are within 6% (or 0.5 s) of
 * each other. A round in which no probe said anything (no socket, no answer, the server refused) is followed by a
 * pause before the next, from {@value #FIRST_PAUSE_MILLIS} ms doubling up to {@value #MAX_PAUSE_MILLIS} ms. The
 * interval is 90% of the longest age that carried (with up to 5% more of jitter), at most
 * {@link #MAX_INTERVAL_MILLIS}, 90% of the server's listener TTL, and short enough for the client's own ceiling (an
 * answer before it reports silence); nothing proven yet, the caller keeps its fixed interval. Pure logic on the
 * client loop, times in milliseconds: not thread-safe.
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
    static final long FIRST_PAUSE_MILLIS = 30_000;
    static final long MAX_PAUSE_MILLIS = 600_000;

    /** The longest age worth probing for this client, whatever the server allows. */
    private final long ceiling;
    private long maxAge;
    private long carried;
    private long failed = NONE;
    private final TreeSet<Long> running = new TreeSet<>();
    private boolean roundOpen;
    private boolean roundSaidSomething;
    private long pauseMillis;
    private boolean pausing;
    private long pauseUntil;

    /** No ceiling but {@link #MAX_INTERVAL_MILLIS}. */
    MappingLifetime() {
        this(MAX_INTERVAL_MILLIS);
    }

    /** Probes no age past {@code ceilingMillis} (at least 1 s, at most {@link #MAX_INTERVAL_MILLIS}). */
    MappingLifetime(long ceilingMillis) {
        this.ceiling = Math.max(1_000, Math.min(MAX_INTERVAL_MILLIS, ceilingMillis));
        this.maxAge = ceiling;
    }

    /**
     * The ceiling of a client that reports silence after {@code noResponseMillis} and waits {@code requestMillis}
     * for an answer: a keep-alive round, with its jitter, must be answered before silence is reported.
     */
    static long ceilingFor(long noResponseMillis, long requestMillis) {
        return (long) ((noResponseMillis - requestMillis) / (SAFE_SHARE + JITTER_SHARE));
    }

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
        long bound = Math.min(ceiling, Math.max(FIRST_AGE_MILLIS, ttlMillis));
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

    /**
     * The ages to probe at {@code nowMillis}: a new round when none runs, the lifetime is not settled and no pause
     * after a round that said nothing is on; else none.
     */
    List<Long> nextRound(long nowMillis) {
        if (!running.isEmpty() || settled()) {
            return List.of();
        }
        if (roundOpen) { // the round just ended
            roundOpen = false;
            pauseMillis = roundSaidSomething ? 0 : Math.min(MAX_PAUSE_MILLIS, Math.max(FIRST_PAUSE_MILLIS, 2 * pauseMillis));
            pausing = pauseMillis > 0;
            pauseUntil = nowMillis + pauseMillis;
        }
        if (pausing && nowMillis - pauseUntil < 0) {
            return List.of();
        }
        pausing = false;
        List<Long> ages = agesOfNextRound();
        running.addAll(ages);
        roundOpen = !ages.isEmpty();
        roundSaidSomething = false;
        return ages;
    }

    /** When the pause after a round that said nothing ends, in {@link #nextRound}'s time; empty when none is on. */
    OptionalLong pauseEndMillis() {
        return pausing ? OptionalLong.of(pauseUntil) : OptionalLong.empty();
    }

    private List<Long> agesOfNextRound() {
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
        return ages;
    }

    /**
     * A probe of {@code ageMillis} ended: it {@code carried} the server's answer or not. Returns the ages of the
     * round that an age which did not carry makes pointless (every longer one): their probes can stop.
     */
    List<Long> resolved(long ageMillis, boolean didCarry) {
        running.remove(ageMillis);
        roundSaidSomething = true;
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
        roundOpen = false;
        pausing = false;
        pauseMillis = 0;
    }
}
