package org.modstamp.wildfly.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the MDB received, as "id=value" in order of arrival, when (wall-clock microseconds), and when the adapter
 * had received it; and when the deliveries of "lat" committed.
 */
@ApplicationScoped
public class Received {
    // queues, not copy-on-write lists: a benchmark records thousands, each in a bean's transaction
    private final Queue<String> changes = new ConcurrentLinkedQueue<>();
    private final Queue<String> arrivals = new ConcurrentLinkedQueue<>();
    private final Queue<String> commits = new ConcurrentLinkedQueue<>();

    void add(String change, long micros, long receivedAtMicros) {
        changes.add(change);
        arrivals.add(change + " " + micros + " " + receivedAtMicros);
        changed();
    }

    void committed(String change, long micros) {
        commits.add(change + " " + micros);
        changed();
    }

    private void changed() {
        synchronized (commits) {
            commits.notifyAll();
        }
    }

    /** The first {@code count} attempts at {@code change}, waiting for them up to {@code timeoutMillis} (fewer if not). */
    public List<String> awaitArrivals(String change, int count, long timeoutMillis) throws InterruptedException {
        return await(arrivals, change, count, timeoutMillis);
    }

    /** The committed delivery of {@code change}, waiting for it up to {@code timeoutMillis} (none if it did not come). */
    public List<String> awaitCommit(String change, long timeoutMillis) throws InterruptedException {
        return await(commits, change, 1, timeoutMillis);
    }

    /** The test waits here, in the application, so that no polling of its runs while the delivery it times does. */
    private List<String> await(Queue<String> lines, String change, int count, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (commits) {
            while (true) {
                List<String> found = lines.stream().filter(line -> line.startsWith(change + " ")).limit(count).toList();
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (found.size() >= count || left <= 0) {
                    return found;
                }
                commits.wait(left);
            }
        }
    }

    public List<String> all() {
        return List.copyOf(changes);
    }

    /** Every attempt as "id=value micros receivedAtMicros", in order of arrival. */
    public List<String> arrivals() {
        return List.copyOf(arrivals);
    }

    /** Every committed delivery of "lat" as "id=value micros", in order. */
    public List<String> commits() {
        return List.copyOf(commits);
    }
}
