package org.modstamp.server;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that tests move by hand: its wall time and its monotonic time move together. */
public final class MutableClock implements ServerClock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    public long epochMillis() {
        return now.get().toEpochMilli();
    }

    @Override
    public long nanoTime() {
        Instant t = now.get();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }
}
