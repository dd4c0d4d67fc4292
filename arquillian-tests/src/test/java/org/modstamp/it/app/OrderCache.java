package org.modstamp.it.app;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

/** The cache that the docs' first message-driven bean evicts from: here, the ids it was told to evict, in order. */
@ApplicationScoped
public class OrderCache {
    private final List<String> evicted = new CopyOnWriteArrayList<>();

    public void evict(String id) {
        evicted.add(id);
    }

    public List<String> evicted() {
        return List.copyOf(evicted);
    }
}
