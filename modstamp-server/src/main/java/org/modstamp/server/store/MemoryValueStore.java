package org.modstamp.server.store;

import java.util.HashMap;
import java.util.Map;

import org.modstamp.wire.Watches;

/**
 * Values in a hash map: nothing survives a restart (a new store: a new epoch). Not thread-safe: owned by the engine
 * thread.
 */
public final class MemoryValueStore implements ValueStore {
    private final Map<String, byte[]> values = new HashMap<>();
    private final long epoch = newEpoch();
    private long revision;

    /** A random epoch, never 0 (which a watch reads as "no position"). */
    static long newEpoch() {
        long epoch;
        do {
            epoch = new java.security.SecureRandom().nextLong();
        } while (epoch == 0);
        return epoch;
    }

    @Override
    public byte[] get(String id) {
        return values.getOrDefault(id, NONE);
    }

    @Override
    public long putAll(Map<String, byte[]> changes) {
        changes.forEach(this::put);
        revision += changes.size();
        return revision;
    }

    @Override
    public Watches.Position position() {
        return new Watches.Position(epoch, revision);
    }

    void put(String id, byte[] value) {
        if (value.length == 0) {
            values.remove(id);
        } else {
            values.put(id, value);
        }
    }

    @Override
    public int size() {
        return values.size();
    }

    @Override
    public void forEach(java.util.function.BiConsumer<String, byte[]> action) {
        values.forEach(action);
    }

    @Override
    public void close() {
        values.clear();
    }
}
