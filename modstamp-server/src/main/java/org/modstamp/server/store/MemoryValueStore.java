package org.modstamp.server.store;

import java.util.HashMap;
import java.util.Map;

/** Values in a hash map: nothing survives a restart. Not thread-safe: owned by the engine thread. */
public final class MemoryValueStore implements ValueStore {
    private final Map<String, byte[]> values = new HashMap<>();

    @Override
    public byte[] get(String id) {
        return values.getOrDefault(id, NONE);
    }

    @Override
    public void putAll(Map<String, byte[]> changes) {
        changes.forEach(this::put);
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
