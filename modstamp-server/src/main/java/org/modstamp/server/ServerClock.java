package org.modstamp.server;

/**
 * The one clock a server reads, from its {@link ServerConfig}: every expiry, window and rate of the engine
 * follows it, so a test can move time by hand instead of sleeping. It has two readings, as the JDK has:
 * wall time for what is compared with other machines' clocks or shown to people, and monotonic time for
 * what counts durations here, whatever NTP does to the wall clock.
 */
public interface ServerClock {
    /**
     * Wall time in milliseconds since the epoch: the timestamps sealed into aead datagrams and checked in
     * those received (the replay window), and the times of recent changes.
     */
    long epochMillis();

    /**
     * Monotonic time in nanoseconds from an arbitrary origin (only differences mean anything): listener
     * expiry, Signal and reply rates.
     */
    long nanoTime();

    /** The JDK's clocks: {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
    static ServerClock system() {
        return SystemClock.INSTANCE;
    }
}
