package org.modstamp.ee;

import java.security.SecureRandom;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock: the pusher's outbox versions and fresh values, ordered across the instances of an
 * application and never repeated.
 *
 * <p>A version is a positive {@code long}: the logical time in its high 47 bits (milliseconds since
 * 2025-01-01 UTC, times 64, plus a counter of the versions made in that millisecond), and the low 16 bits of
 * this JVM's random node id. The logical time never goes backwards: it is at least the wall clock, one more
 * than the last one made here, and more than every version {@link #observe observed} (a row another instance
 * wrote), so a commit made after another one was seen has a greater version on any instance, whatever the
 * clocks; the node id breaks ties between instances. Past 64 versions in a millisecond the logical time runs
 * ahead of the wall clock, and the wall clock catches up. A fresh value is the logical time and the whole
 * 48-bit node id, in base 36 (about 20 characters).
 */
final class HybridClock {
    static final long EPOCH_MILLIS = 1_735_689_600_000L; // 2025-01-01T00:00:00Z
    private static final int COUNTER_BITS = 6;
    private static final int NODE_BITS = 16;
    private static final long NODE_MASK = (1L << 48) - 1;

    /** The clock of this JVM (of this class loader: each application has its own node id). */
    static final HybridClock JVM = new HybridClock(System::currentTimeMillis, new SecureRandom().nextLong() & NODE_MASK);

    private final LongSupplier wallMillis;
    private final long node;
    private long last;

    HybridClock(LongSupplier wallMillis, long node) {
        this.wallMillis = wallMillis;
        this.node = node & NODE_MASK;
    }

    /** A new version, greater than every version made or observed here. */
    long next() {
        return (tick() << NODE_BITS) | (node & ((1L << NODE_BITS) - 1));
    }

    /** A new value that no instance made before: the logical time and the node id. */
    String fresh() {
        String time = Long.toString(tick(), 36);
        String id = Long.toString(node, 36);
        return time + "." + "0".repeat(Math.max(0, 10 - id.length())) + id;
    }

    /** A version written elsewhere was seen: the next one made here is greater. */
    synchronized void observe(long version) {
        last = Math.max(last, version >>> NODE_BITS);
    }

    private synchronized long tick() {
        long physical = Math.max(0, wallMillis.getAsLong() - EPOCH_MILLIS) << COUNTER_BITS;
        last = Math.max(last + 1, physical);
        return last;
    }
}
