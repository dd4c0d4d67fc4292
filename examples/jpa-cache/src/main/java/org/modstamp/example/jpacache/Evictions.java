package org.modstamp.example.jpacache;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.modstamp.ee.Modstamp;
import org.modstamp.ra.api.ModstampChange;

/**
 * When this instance last evicted greetings: the evictor fires the CDI event of a change after evicting, so an
 * observer sees each eviction done. The resource reports it, which lets a test time eviction without polling.
 */
@ApplicationScoped
public class Evictions {
    private final AtomicLong lastNanoTime = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicReference<String> lastValue = new AtomicReference<>("");

    void evicted(@Observes @Modstamp("jpa.Greeting") ModstampChange change) {
        lastValue.set(change.value() == null ? "" : change.value());
        lastNanoTime.set(System.nanoTime());
        count.incrementAndGet();
    }

    /** The value of {@code jpa.Greeting} that the last eviction was for ("" before the first). */
    public String lastValue() {
        return lastValue.get();
    }

    /** {@code System.nanoTime()} after the last eviction, 0 before the first. */
    public long lastNanoTime() {
        return lastNanoTime.get();
    }

    public long count() {
        return count.get();
    }
}
