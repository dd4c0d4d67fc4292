package org.modstamp.client;

import java.util.ArrayDeque;

/**
 * The counters of the sealed requests a client sent within the last window (they are consecutive, so a range
 * is enough): a response naming any other request is not an answer to this client and is dropped. Keeps one
 * mark a second. Not thread-safe: its channel guards it.
 */
final class RequestCounters {
    private final long windowNanos;
    private final ArrayDeque<long[]> marks = new ArrayDeque<>(); // {sent nanos, first counter sent then}
    private long last;
    private long lastSentNanos;

    RequestCounters(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    void sent(long counter, long nowNanos) {
        if (marks.isEmpty() || nowNanos - marks.peekLast()[0] >= 1_000_000_000L) {
            marks.add(new long[] {nowNanos, counter});
        }
        last = counter;
        lastSentNanos = nowNanos;
    }

    /** Whether {@code counter} is one of the requests sent within the window. */
    boolean isRecent(long counter, long nowNanos) {
        if (nowNanos - lastSentNanos > windowNanos) {
            marks.clear();
        }
        while (marks.size() > 1 && nowNanos - secondMark()[0] > windowNanos) {
            marks.poll(); // every counter of the first mark was sent before the second mark, out of the window
        }
        return !marks.isEmpty() && counter >= marks.peekFirst()[1] && counter <= last;
    }

    private long[] secondMark() {
        var it = marks.iterator();
        it.next();
        return it.next();
    }
}
