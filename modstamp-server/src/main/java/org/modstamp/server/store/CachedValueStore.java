package org.modstamp.server.store;

import java.util.function.BiConsumer;

/**
 * A durable store that keeps every value in memory too, so that Queries never wait on the disk or the
 * network: reads come from the copy, writers update it after their write succeeded.
 */
abstract class CachedValueStore implements ValueStore {
    final MemoryValueStore cache = new MemoryValueStore();

    @Override
    public byte[] get(String id) {
        return cache.get(id);
    }

    @Override
    public int size() {
        return cache.size();
    }

    @Override
    public void forEach(BiConsumer<String, byte[]> action) {
        cache.forEach(action);
    }
}
