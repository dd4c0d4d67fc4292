package org.modstamp.server.history;

import java.util.ArrayList;
import java.util.List;

/**
 * The last changes a server made, newest first, with when and where each came from: a ring of fixed size,
 * so its memory is bounded whatever the traffic (at most {@code capacity} entries of an id and a value of 255
 * bytes each and a source: about 120 KB for 200). Written by the engine thread, read from any thread.
 */
public final class RecentChanges {
    /** One change: {@code value} empty when the id was deleted; {@code source} a sender's address, or what made it. */
    public record Change(String id, byte[] value, long epochMillis, String source) {
    }

    private final Change[] ring;
    private int next;
    private int size;

    public RecentChanges(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        ring = new Change[capacity];
    }

    public synchronized void record(String id, byte[] value, long epochMillis, String source) {
        ring[next] = new Change(id, value, epochMillis, source);
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The changes kept, newest first. */
    public synchronized List<Change> newestFirst() {
        List<Change> changes = new ArrayList<>(size);
        for (int k = 1; k <= size; k++) {
            changes.add(ring[(next - k + ring.length) % ring.length]);
        }
        return changes;
    }

    public int capacity() {
        return ring.length;
    }
}
