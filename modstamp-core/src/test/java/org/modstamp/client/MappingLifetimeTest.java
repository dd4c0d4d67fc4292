package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The lifetime learning against model NATs: each probe carries exactly when its age is under the NAT's lifetime. */
class MappingLifetimeTest {
    private static final long TTL = 300_000;

    /** Runs rounds to the end; returns how many it took. Each probe's answer comes in the order of its age. */
    private static int learn(MappingLifetime lifetime, long natLifetime) {
        int rounds = 0;
        for (List<Long> round = lifetime.nextRound(0); !round.isEmpty(); round = lifetime.nextRound(0)) {
            rounds++;
            List<Long> stopped = List.of();
            for (long age : round) {
                if (!stopped.contains(age)) {
                    stopped = lifetime.resolved(age, age < natLifetime);
                }
            }
            assertTrue(rounds < 10, "learning ends");
        }
        return rounds;
    }

    @Test
    void learnsEachTestNatsLifetimeWithinSixPercentInAFewRounds() {
        for (long nat : new long[] {15_000, 30_000, 120_000}) {
            MappingLifetime lifetime = new MappingLifetime();
            lifetime.listenerTtl(TTL);
            assertEquals(0, lifetime.intervalMillis(), "nothing proven: the fixed interval holds");
            int rounds = learn(lifetime, nat);
            assertTrue(lifetime.settled());
            assertTrue(rounds <= 3, nat + ": " + rounds + " rounds");
            assertTrue(lifetime.provenMillis() < nat && lifetime.provenMillis() >= nat / 1.07,
                    nat + ": proven " + lifetime.provenMillis());
            long longestGap = lifetime.intervalMillis() + lifetime.jitterMillis();
            assertTrue(longestGap < lifetime.provenMillis(), "never as long as what is proven: " + longestGap);
            assertTrue(lifetime.intervalMillis() >= nat * 0.8, nat + ": interval " + lifetime.intervalMillis());
        }
    }

    @Test
    void aLenientNatIsQueriedAtNinetyPercentOfTheBoundOrOfTheListenerTtl() {
        MappingLifetime lifetime = new MappingLifetime();
        lifetime.listenerTtl(TTL);
        assertEquals(1, learn(lifetime, 3_600_000), "every age of the first round carries");
        assertEquals(270_000, lifetime.intervalMillis());
        MappingLifetime shortTtl = new MappingLifetime();
        shortTtl.listenerTtl(60_000);
        learn(shortTtl, 3_600_000);
        assertEquals(54_000, shortTtl.intervalMillis(), "never past the server's listener TTL");
    }

    @Test
    void anAgeThatFailsEndsItsRoundAndALaterSuccessOverrulesAnEarlierLoss() {
        MappingLifetime lifetime = new MappingLifetime();
        lifetime.listenerTtl(TTL);
        List<Long> first = lifetime.nextRound(0);
        assertEquals(List.of(5_000L, 10_000L, 20_000L, 40_000L, 80_000L, 160_000L, 300_000L), first);
        assertEquals(List.of(), lifetime.resolved(5_000, true));
        assertEquals(List.of(20_000L, 40_000L, 80_000L, 160_000L, 300_000L), lifetime.resolved(10_000, false));
        assertFalse(lifetime.settled());
        List<Long> second = lifetime.nextRound(0);
        assertEquals(4, second.size());
        assertTrue(second.stream().allMatch(a -> a > 5_000 && a < 10_000), second.toString());
        lifetime.resolved(second.get(3), true);
        assertEquals(second.get(3), lifetime.provenMillis());
        lifetime.forget();
        assertEquals(0, lifetime.provenMillis());
        assertEquals(first, lifetime.nextRound(0), "learning starts again from nothing");
        lifetime.resolved(10_000, false);
        lifetime.resolved(20_000, true); // the 10 s answer was lost on the way
        assertEquals(20_000, lifetime.provenMillis());
        assertEquals(Long.MAX_VALUE, lifetime.failedMillis());
    }

    /** A round in which no probe said anything (no socket could bind, the server refused) pauses, doubling. */
    @Test
    void aRoundThatSaysNothingIsFollowedByAPauseThatDoublesUpToTenMinutes() {
        MappingLifetime lifetime = new MappingLifetime();
        long now = 1_000;
        long expectedPause = MappingLifetime.FIRST_PAUSE_MILLIS;
        for (int round = 0; round < 7; round++) {
            List<Long> ages = lifetime.nextRound(now);
            assertEquals(7, ages.size(), "round " + round);
            ages.forEach(lifetime::abandoned);
            assertEquals(List.of(), lifetime.nextRound(now), "no new round at once");
            assertEquals(now + expectedPause, lifetime.pauseEndMillis().orElseThrow());
            assertEquals(List.of(), lifetime.nextRound(now + expectedPause - 1));
            now += expectedPause;
            expectedPause = Math.min(MappingLifetime.MAX_PAUSE_MILLIS, 2 * expectedPause);
        }
        assertEquals(MappingLifetime.MAX_PAUSE_MILLIS, expectedPause);
        List<Long> answered = lifetime.nextRound(now);
        lifetime.resolved(answered.get(0), true);
        answered.stream().skip(1).forEach(lifetime::abandoned);
        assertTrue(lifetime.pauseEndMillis().isEmpty());
        assertFalse(lifetime.nextRound(now).isEmpty(), "a round that said something is followed at once");
        lifetime.forget();
        assertFalse(lifetime.nextRound(now).isEmpty(), "a relearn starts at once");
    }

    /** A client that reports silence after 60 s never learns an interval whose round could come later than that. */
    @Test
    void theClientsNoResponseTimeoutCapsTheInterval() {
        MappingLifetime lifetime = new MappingLifetime(MappingLifetime.ceilingFor(60_000, 5_000));
        lifetime.listenerTtl(TTL);
        learn(lifetime, 3_600_000);
        assertTrue(lifetime.settled());
        assertTrue(lifetime.intervalMillis() + lifetime.jitterMillis() + 5_000 <= 60_000,
                "interval " + lifetime.intervalMillis() + " + jitter " + lifetime.jitterMillis());
        assertTrue(MappingLifetime.ceilingFor(300_000, 5_000) >= MappingLifetime.MAX_INTERVAL_MILLIS,
                "the defaults keep the 5 minute bound");
    }
}
