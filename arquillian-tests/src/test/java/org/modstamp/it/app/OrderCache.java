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
        synchronized (evicted) {
            evicted.notifyAll();
        }
    }

    /** Whether {@code id} was evicted {@code times} times, waiting for it up to {@code timeoutMillis}. */
    public boolean awaitEvicted(String id, int times, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (evicted) {
            while (evicted.stream().filter(id::equals).count() < times) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                evicted.wait(left);
            }
            return true;
        }
    }

    public List<String> evicted() {
        return List.copyOf(evicted);
    }
}
