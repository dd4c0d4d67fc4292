package org.modstamp.server.registry;

import java.util.function.LongConsumer;

/**
 * The listeners of one id. Each registration is one {@code long}: the endpoint key (49 bits, see
 * {@link Endpoints}) and the second of its last renewal modulo 2^15. A single listener is held in a
 * field; more go to an open-addressing hash table (linear probing, backward-shift deletion), so adding,
 * renewing and removing are O(1) and a registration costs 8 bytes a slot. Ages are computed modulo
 * 2^15 seconds, which is exact as long as expired entries are dropped within 2^15 seconds of their
 * renewal ({@link ListenerRegistry} sweeps every minute and caps the TTL). Not thread-safe.
 */
final class ListenerSet {
    static final int TIME_BITS = 15;
    static final int TIME_MASK = (1 << TIME_BITS) - 1;
    private static final int MIN_CAPACITY = 4;

    private long single;
    private long[] table;
    private int size;

    int size() {
        return size;
    }

    static long entry(long key, int second) {
        return (key << TIME_BITS) | (second & TIME_MASK);
    }

    static long keyOf(long entry) {
        return entry >>> TIME_BITS;
    }

    private static boolean isAlive(long entry, int now, int ttl) {
        return ((now - (int) entry) & TIME_MASK) <= ttl;
    }

    /** Whether {@code key} is registered (alive or not yet dropped). */
    boolean contains(long key) {
        if (table == null) {
            return size == 1 && keyOf(single) == key;
        }
        int mask = table.length - 1;
        for (int i = slot(key, mask); table[i] != 0; i = (i + 1) & mask) {
            if (keyOf(table[i]) == key) {
                return true;
            }
        }
        return false;
    }

    /** Adds or renews {@code key} (never 0) at second {@code now}; true when it was not there before. */
    boolean renew(long key, int now) {
        long entry = entry(key, now);
        if (table == null) {
            if (size == 0 || keyOf(single) == key) {
                boolean added = size == 0;
                single = entry;
                size = 1;
                return added;
            }
            table = new long[MIN_CAPACITY];
            insert(table, single);
            single = 0;
        }
        int mask = table.length - 1;
        int i = slot(key, mask);
        while (table[i] != 0) {
            if (keyOf(table[i]) == key) {
                table[i] = entry;
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = entry;
        if (++size * 4 > table.length * 3) {
            resize(table.length * 2);
        }
        return true;
    }

    /**
     * Calls {@code action} with the key of every listener alive at second {@code now} (renewed at most
     * {@code ttl} seconds before), and removes the others, telling {@code removed} their keys. Returns the
     * number removed.
     */
    int forEachAlive(int now, int ttl, LongConsumer action, LongConsumer removed) {
        if (table == null) {
            if (size == 0) {
                return 0;
            }
            if (isAlive(single, now, ttl)) {
                action.accept(keyOf(single));
                return 0;
            }
            removed.accept(keyOf(single));
            single = 0;
            size = 0;
            return 1;
        }
        // Start at an empty slot: no cluster wraps past it, so the backward shifts of a removal only
        // move entries the scan has not reached yet, and each entry is seen once.
        int mask = table.length - 1;
        int start = 0;
        while (table[start] != 0) {
            start++;
        }
        int count = 0;
        int step = 1;
        while (step < table.length) {
            int i = (start + step) & mask;
            long entry = table[i];
            if (entry != 0 && !isAlive(entry, now, ttl)) {
                removeAt(i);
                removed.accept(keyOf(entry));
                count++;
                continue; // another entry may have shifted into slot i
            }
            if (entry != 0) {
                action.accept(keyOf(entry));
            }
            step++;
        }
        shrinkIfSparse();
        return count;
    }

    /**
     * Calls {@code action} with the keys of the listeners alive at second {@code now}, in slot order, after
     * skipping the first {@code skip} of them, until {@code limit} were given; changes nothing (an expired
     * entry is passed over, not removed, so the order stays put between two pages). Reads the slots up to the
     * last key given only: the table is shrunk when fewer than 1 slot in 8 holds an entry, so while the
     * entries are alive a page costs at most about 8 x (skip + limit) slot reads, and never more than the table
     * (entries expired since the last sweep, at most a minute ago, are read and passed over).
     */
    void page(int now, int ttl, long skip, int limit, LongConsumer action) {
        if (table == null) {
            if (size == 1 && skip == 0 && limit > 0 && isAlive(single, now, ttl)) {
                action.accept(keyOf(single));
            }
            return;
        }
        long skipped = 0;
        int given = 0;
        for (int i = 0; i < table.length && given < limit; i++) {
            long entry = table[i];
            if (entry == 0 || !isAlive(entry, now, ttl)) {
                continue;
            }
            if (skipped < skip) {
                skipped++;
            } else {
                action.accept(keyOf(entry));
                given++;
            }
        }
    }

    private void removeAt(int hole) {
        int mask = table.length - 1;
        table[hole] = 0;
        size--;
        int i = (hole + 1) & mask;
        while (table[i] != 0) {
            int home = slot(keyOf(table[i]), mask);
            // move entry i into the hole unless its home lies in the cyclic range (hole, i]
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                table[hole] = table[i];
                table[i] = 0;
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    private void shrinkIfSparse() {
        if (size <= 1) {
            long last = 0;
            for (long entry : table) {
                if (entry != 0) {
                    last = entry;
                }
            }
            single = last;
            table = null;
        } else if (table.length > MIN_CAPACITY && size * 8 < table.length) {
            int capacity = MIN_CAPACITY;
            while (size * 4 > capacity * 3) {
                capacity *= 2;
            }
            resize(capacity * 2);
        }
    }

    private void resize(int capacity) {
        long[] old = table;
        table = new long[capacity];
        for (long entry : old) {
            if (entry != 0) {
                insert(table, entry);
            }
        }
    }

    private static void insert(long[] table, long entry) {
        int mask = table.length - 1;
        int i = slot(keyOf(entry), mask);
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = entry;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
