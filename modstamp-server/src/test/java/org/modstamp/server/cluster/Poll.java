package org.modstamp.server.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition, polled every 50 ms, and fails the test naming it when the limit passes. */
final class Poll {
    private Poll() {
    }

    /** A condition that throws counts as not met yet (a Redis that does not answer yet, say). */
    static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            boolean met;
            try {
                met = condition.getAsBoolean();
            } catch (RuntimeException e) {
                met = false;
            }
            if (met) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            Thread.sleep(50);
        }
    }
}
