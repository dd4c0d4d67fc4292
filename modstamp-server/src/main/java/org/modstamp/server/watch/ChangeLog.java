package org.modstamp.server.watch;

import java.util.HashMap;
import java.util.Map;

/**
 * The recent changes of the store, in revision order, as far as this instance knows them: for each, its revision
 * and its id (the value is the store's, read when it is needed: an entry is the latest of its id or skipped). Of a
 * fixed size: the oldest entries go first. It holds every change from {@link #completeFrom} to {@link #head}; a
 * gap (a revision heard that does not follow the head, a snapshot of a shared store) empties it, so that it never
 * claims to hold what it missed. Not thread-safe: the engine thread owns it.
 */
public final class ChangeLog {
    /** One change: its revision and id. */
    public record Entry(long revision, String id) {
    }

    /** Told each entry a catch-up finds; false when it has no room for more (the scan stops before it). */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(Entry entry);
    }

    private final long[] revisions;
    private final String[] ids;
    /** For every id in the log, the revision of its latest entry. */
    private final Map<String, Long> latest = new HashMap<>();
    private int oldest;
    private int size;
    private long head;
    private long completeFrom;

    /** An empty log of at most {@code capacity} entries, after the store's revision {@code head}. */
    public ChangeLog(int capacity, long head) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a change log holds at least 1 entry, not " + capacity);
        }
        revisions = new long[capacity];
        ids = new String[capacity];
        this.head = head;
        this.completeFrom = head + 1;
    }

    /** The revision of the last change known. */
    public long head() {
        return head;
    }

    /** Every change after {@code position} can be told from this log: it is not older than the log, nor newer. */
    public boolean covers(long position) {
        return position >= completeFrom - 1 && position <= head;
    }

    /** The change of {@code id} at {@code revision}; one at or below the head is ignored (heard twice). */
    public void append(long revision, String id) {
        if (revision <= head) {
            return;
        }
        if (revision != head + 1) { // what lies between is not known here
            clear(revision);
        }
        if (size == revisions.length) {
            evictOldest();
        }
        int at = (oldest + size) % revisions.length;
        revisions[at] = revision;
        ids[at] = id;
        size++;
        latest.put(id, revision);
        head = revision;
    }

    /** Every change up to {@code revision} happened, but which is not known (a snapshot): the log starts after it. */
    public void skipTo(long revision) {
        if (revision > head) {
            clear(revision + 1);
            head = revision;
        }
    }

    /**
     * Changes were made whose revisions are not known here (an instance of before, a store that went back): no
     * position up to the head is caught up from any more (every watcher is reset), until the log holds again what
     * follows.
     */
    public void forgetAll() {
        clear(head + 2);
    }

    private void clear(long from) {
        java.util.Arrays.fill(ids, null);
        latest.clear();
        oldest = 0;
        size = 0;
        completeFrom = from;
    }

    private void evictOldest() {
        String id = ids[oldest];
        if (latest.get(id) == revisions[oldest]) {
            latest.remove(id);
        }
        ids[oldest] = null;
        completeFrom = revisions[oldest] + 1;
        oldest = (oldest + 1) % revisions.length;
        size--;
    }

    /**
     * Visits the changes after {@code position} (which {@link #covers} must hold) of ids under {@code prefix}, each
     * id once, at its latest revision, in revision order, looking at {@code maxScanned} entries at most; returns
     * the revision up to which every change was looked at and visited (the head when the scan got to the end).
     */
    public long since(long position, String prefix, int maxScanned, Visitor visitor) {
        if (!covers(position)) {
            throw new IllegalArgumentException("the log does not cover revision " + position);
        }
        long first = position + 1;
        int skip = (int) (first - completeFrom);
        long covered = position;
        for (int i = skip, scanned = 0; i < size && scanned < maxScanned; i++, scanned++) {
            int at = (oldest + i) % revisions.length;
            String id = ids[at];
            long revision = revisions[at];
            if (id.startsWith(prefix) && latest.get(id) == revision && !visitor.visit(new Entry(revision, id))) {
                return covered;
            }
            covered = revision;
        }
        return covered;
    }

    /** Entries held. */
    public int size() {
        return size;
    }
}
