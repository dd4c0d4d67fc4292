package org.modstamp.ee;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Values that differ from every earlier one: the time in microseconds since the epoch, raised past the last
 * value this JVM handed out, so that two touches in the same microsecond (or a clock stepped back) still
 * give different, increasing values. Across restarts the clock keeps them apart.
 */
final class FreshValues {
    private static final AtomicLong LAST = new AtomicLong();

    private FreshValues() {
    }

    static String next() {
        return Long.toString(nextMicros());
    }

    /** The same as a number: also the outbox's row versions, which thus grow across the instances sharing it. */
    static long nextMicros() {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
        return LAST.accumulateAndGet(micros, (last, t) -> Math.max(last + 1, t));
    }
}
