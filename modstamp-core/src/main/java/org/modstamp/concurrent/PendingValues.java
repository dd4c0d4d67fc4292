package org.modstamp.concurrent;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The table behind a {@link LatestValueWorker}: one value per key, in the order keys were last replaced, each
 * with its failures, when it is due, and whether it is in the batch being handled. Not thread-safe: the worker
 * holds its lock around every call.
 */
final class PendingValues<K, V> {
    /** What {@link #settle} found: the value is no longer the key's (a newer one came, or it was dropped). */
    static final int OVERTAKEN = -2;
    static final int GONE = -1;
    static final int DONE = 0;

    private static final class Entry<V> {
        final V value;
        int failures;
        long due;
        boolean inFlight;

        Entry(V value, long due) {
            this.value = value;
            this.due = due;
        }
    }

    private final Map<K, Entry<V>> entries = new LinkedHashMap<>();

    /** Adds a value, merged with the pending one of its key; says what the key had. */
    LatestValueWorker.Offered offer(K key, V value, ValueMerge<V> merge, long now) {
        Entry<V> current = entries.get(key);
        V kept = current == null ? value : merge.merge(current.value, value, current.inFlight);
        if (current == null || kept != current.value) {
            entries.remove(key);
            entries.put(key, new Entry<>(kept, now));
        }
        if (current == null) {
            return LatestValueWorker.Offered.NEW;
        } else if (kept == current.value) {
            return LatestValueWorker.Offered.KEPT;
        }
        return current.inFlight ? LatestValueWorker.Offered.OVER_IN_FLIGHT : LatestValueWorker.Offered.OVER_PENDING;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** When the next value is due; {@code ifNone} when there is none. */
    long earliest(long ifNone) {
        long earliest = ifNone;
        for (Entry<V> entry : entries.values()) {
            if (entry.due - earliest < 0) {
                earliest = entry.due;
            }
        }
        return earliest;
    }

    /** Up to {@code max} values due at {@code now}, in order, marked in flight. */
    Map<K, V> takeReady(long now, int max) {
        Map<K, V> batch = new LinkedHashMap<>();
        for (Iterator<Map.Entry<K, Entry<V>>> it = entries.entrySet().iterator(); it.hasNext() && batch.size() < max; ) {
            Map.Entry<K, Entry<V>> e = it.next();
            Entry<V> entry = e.getValue();
            if (!entry.inFlight && entry.due - now <= 0) {
                entry.inFlight = true;
                batch.put(e.getKey(), entry.value);
            }
        }
        return batch;
    }

    /**
     * The outcome of {@code value}, handled in a batch: {@link #DONE} (removed), its failures so far when it
     * failed, or {@link #OVERTAKEN} / {@link #GONE} when the key no longer has it.
     */
    int settle(K key, V value, boolean done) {
        Entry<V> entry = entries.get(key);
        if (entry == null || entry.value != value) {
            return entry == null || done ? GONE : OVERTAKEN;
        }
        entry.inFlight = false;
        if (done) {
            entries.remove(key);
            return DONE;
        }
        return ++entry.failures;
    }

    /** After its {@code failures}-th failure: due again at {@code due}, or given up (null), if still the key's. */
    void retry(K key, V value, int failures, Long due) {
        Entry<V> entry = entries.get(key);
        if (entry == null || entry.value != value || entry.failures != failures) {
            return;
        }
        if (due == null) {
            entries.remove(key);
        } else {
            entry.due = due;
        }
    }

    /** Empties the table; returns what was in it, in order. */
    Map<K, V> clear() {
        Map<K, V> left = new LinkedHashMap<>();
        entries.forEach((key, entry) -> left.put(key, entry.value));
        entries.clear();
        return left;
    }

    Set<K> keys() {
        return entries.keySet();
    }
}
