package org.modstamp.server;

import java.time.Instant;
import java.time.InstantSource;

/**
 * Time that only moves forward, at the rate of {@link System#nanoTime()}, whatever NTP does to the wall
 * clock: what listener expiry counts in. Its instants are not dates.
 */
public final class MonotonicClock implements InstantSource {
    private final long origin = System.nanoTime();

    @Override
    public Instant instant() {
        return Instant.ofEpochSecond(0, System.nanoTime() - origin);
    }
}
