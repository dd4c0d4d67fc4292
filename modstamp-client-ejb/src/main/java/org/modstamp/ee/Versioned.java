package org.modstamp.ee;

/**
 * A pushed value (null: delete) with its version from the {@link HybridClock}: of two values of an id, the one
 * with the greater version is the newer, on every instance. {@code committedAt} (System.nanoTime) starts its
 * delivery deadline; {@code recorded} says whether the outbox holds it (always true without an outbox);
 * {@code resent}, whether it is a row of the outbox sent again rather than a push.
 */
record Versioned(String value, long version, long committedAt, boolean recorded, boolean resent) {
    /** A pushed value. */
    Versioned(String value, long version, long committedAt, boolean recorded) {
        this(value, version, committedAt, recorded, false);
    }

    /** A row of the outbox, sent again from {@code now}. */
    static Versioned resent(Outbox.Row row, long now) {
        return new Versioned(row.value(), row.version(), now, true, true);
    }

    /** Of a pending and an offered value, the one to keep: the greater version; the pending one on a tie. */
    static Versioned newer(Versioned pending, Versioned offered, boolean inFlight) {
        return offered.version() > pending.version() ? offered : pending;
    }

    /**
     * Whether keeping the {@link #newer} of two values drops a push (superseded): not when both are the same
     * version, nor when the one dropped is a row sent again.
     */
    static boolean dropsAPush(Versioned pending, Versioned offered) {
        Versioned dropped = newer(pending, offered, false) == pending ? offered : pending;
        return pending.version() != offered.version() && !dropped.resent();
    }

    Outbox.Row row(String id) {
        return new Outbox.Row(id, value, version);
    }
}
