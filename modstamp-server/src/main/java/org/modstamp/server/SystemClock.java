package org.modstamp.server;

/** {@link ServerClock#system()}. */
enum SystemClock implements ServerClock {
    INSTANCE;

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "system clock";
    }
}
