package org.modstamp.server.registry;

import java.util.function.LongConsumer;

/**
 * The listeners of one id: an open-addressing hash table (linear probing, backward-shift deletion) of
 * endpoint keys and the second at which each registration was last renewed. Adding, renewing and
 * removing are O(1); a registration costs 12 bytes a slot. Not thread-safe: owned by the engine thread.
 */
final class ListenerSet {
    private static final int MIN_CAPACITY = 2;

    private long[] keys = new long[MIN_CAPACITY];
    private int[] renewedAt = new int[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    /** Adds or renews {@code key} at second {@code now}; true when it was not there before. */
    boolean renew(long key, int now) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != 0) {
            if (keys[i] == key) {
                renewedAt[i] = now;
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        renewedAt[i] = now;
        if (++size * 4 > keys.length * 3) {
            resize(keys.length * 2);
        }
        return true;
    }

    /**
     * Calls {@code action} for every listener renewed at or after {@code oldestAlive}, and removes
     * the others. Returns the number removed.
     */
    int forEachAlive(int oldestAlive, LongConsumer action) {
        // Start the scan at an empty slot: no cluster wraps past it, so the backward shifts of a
        // removal only move entries that the scan has not reached yet, and each entry is seen once.
        int mask = keys.length - 1;
        int start = 0;
        while (keys[start] != 0) {
            start++;
        }
        int removed = 0;
        int step = 1;
        while (step < keys.length) {
            int i = (start + step) & mask;
            long key = keys[i];
            if (key != 0 && renewedAt[i] < oldestAlive) {
                removeAt(i);
                removed++;
                continue; // another entry may have shifted into slot i
            }
            if (key != 0) {
                action.accept(key);
            }
            step++;
        }
        shrinkIfSparse();
        return removed;
    }

    /** Removes every registration renewed before {@code oldestAlive}; returns how many. */
    int expire(int oldestAlive) {
        return forEachAlive(oldestAlive, key -> { });
    }

    private void removeAt(int hole) {
        int mask = keys.length - 1;
        keys[hole] = 0;
        size--;
        int i = (hole + 1) & mask;
        while (keys[i] != 0) {
            int home = slot(keys[i], mask);
            // move entry i into the hole if its home is not in the cyclic range (hole, i]
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                keys[hole] = keys[i];
                renewedAt[hole] = renewedAt[i];
                keys[i] = 0;
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    private void shrinkIfSparse() {
        if (keys.length > MIN_CAPACITY && size * 8 < keys.length) {
            int capacity = MIN_CAPACITY;
            while (size * 4 > capacity * 3 - 3 || capacity < size * 2) {
                capacity *= 2;
            }
            resize(Math.max(MIN_CAPACITY, capacity));
        }
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        int[] oldRenewed = renewedAt;
        keys = new long[capacity];
        renewedAt = new int[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0) {
                int i = slot(oldKeys[j], mask);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                renewedAt[i] = oldRenewed[j];
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
