package org.modstamp.it.app;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.modstamp.ra.api.ModstampChange;

/** What the test beans received, in order: "bean id value previous receivedAtMicros deliveredAtMicros". */
@ApplicationScoped
public class Deliveries {
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    /** The first line of each "bean id value", for {@link #await} (a benchmark records thousands). */
    private final Map<String, String> firstLines = new ConcurrentHashMap<>();

    public void record(String bean, ModstampChange change) {
        String key = bean + " " + change.id() + " " + change.value();
        String line = key + " " + change.previousValue() + " " + micros(change.receivedAt()) + " " + micros(Instant.now());
        lines.add(line);
        firstLines.putIfAbsent(key, line);
        synchronized (lines) {
            lines.notifyAll();
        }
    }

    /**
     * The first line of {@code bean}'s delivery of {@code id = value}, waiting for it up to {@code timeoutMillis}
     * (null if none came): a test that waits here reads no list while the delivery it measures runs.
     */
    public String await(String bean, String id, String value, long timeoutMillis) throws InterruptedException {
        String key = bean + " " + id + " " + value;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (lines) {
            while (true) {
                String line = firstLines.get(key);
                if (line != null) {
                    return line;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                lines.wait(left);
            }
        }
    }

    /** Records the change under {@code bean} once the current transaction committed (never if it rolls back). */
    public void recordOnCommit(String bean, ModstampChange change, TransactionSynchronizationRegistry transaction) {
        transaction.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    record(bean, change);
                }
            }
        });
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines of the changes whose value starts with {@code prefix}. */
    public List<String> linesOfValue(String prefix) {
        return lines.stream().filter(line -> line.split(" ", 4)[2].startsWith(prefix)).toList();
    }
}
