package org.modstamp.ee;

/**
 * A pushed value (null: delete) with its version from the {@link HybridClock}: of two values of an id, the one
 * with the greater version is the newer, on every instance. {@code committedAt} (System.nanoTime) starts its
 * delivery deadline; {@code recorded} says whether the outbox holds it (always true without an outbox).
 */
record Versioned(String value, long version, long committedAt, boolean recorded) {
    /** Of a pending and an offered value, the one to keep: the greater version; the pending one on a tie. */
    static Versioned newer(Versioned pending, Versioned offered, boolean inFlight) {
        return offered.version() > pending.version() ? offered : pending;
    }

    Outbox.Row row(String id) {
        return new Outbox.Row(id, value, version);
    }
}
