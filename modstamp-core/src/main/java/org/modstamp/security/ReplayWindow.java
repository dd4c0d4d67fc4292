package org.modstamp.security;

/**
 * The counters seen from one sender: the highest, and which of the {@value #SIZE} below it (a sliding
 * window, as in DTLS and WireGuard). A counter is accepted once; one that far behind the highest is refused
 * (it cannot be told from a replay). Also the newest timestamp accepted, which says when every datagram of
 * the sender has become stale. Not thread-safe.
 */
final class ReplayWindow {
    static final int SIZE = 1024;

    private final long[] bits = new long[SIZE / 64];
    private long highest;
    private long newestTimestamp;

    /** Records {@code counter}; false when it was seen or is too far behind. */
    boolean accept(long counter, long timestampMillis) {
        if (counter <= 0) {
            return false;
        }
        if (counter > highest) {
            long advance = counter - highest;
            if (advance >= SIZE) {
                java.util.Arrays.fill(bits, 0);
            } else {
                for (long c = highest + 1; c < counter; c++) {
                    clear(c);
                }
            }
            highest = counter;
        } else if (highest - counter >= SIZE || isSet(counter)) {
            return false;
        }
        set(counter);
        newestTimestamp = Math.max(newestTimestamp, timestampMillis);
        return true;
    }

    long newestTimestamp() {
        return newestTimestamp;
    }

    private boolean isSet(long counter) {
        int bit = (int) (counter % SIZE);
        return (bits[bit >>> 6] & (1L << bit)) != 0;
    }

    private void set(long counter) {
        int bit = (int) (counter % SIZE);
        bits[bit >>> 6] |= 1L << bit;
    }

    private void clear(long counter) {
        int bit = (int) (counter % SIZE);
        bits[bit >>> 6] &= ~(1L << bit);
    }
}
