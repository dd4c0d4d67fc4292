package org.modstamp.ee;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * What one JTA transaction pushed: the last value of each id with its version, handed over when the
 * transaction commits (an interposed synchronization: after the resources committed), dropped when it rolls
 * back.
 */
final class TransactionPushes implements Synchronization {
    private static final Object KEY = new Object();

    private final Map<String, Versioned> changes = new LinkedHashMap<>();
    private final Consumer<Map<String, Versioned>> committed;
    private final PusherStats stats;

    private TransactionPushes(Consumer<Map<String, Versioned>> committed, PusherStats stats) {
        this.committed = committed;
        this.stats = stats;
    }

    /**
     * The pushes of the current transaction, registered with it at the first push. Throws IllegalStateException
     * when the transaction takes no synchronization any more (it is completing).
     */
    static TransactionPushes ofCurrent(TransactionSynchronizationRegistry registry,
                                       Consumer<Map<String, Versioned>> committed, PusherStats stats) {
        TransactionPushes pushes = (TransactionPushes) registry.getResource(KEY);
        if (pushes == null) {
            pushes = new TransactionPushes(committed, stats);
            registry.registerInterposedSynchronization(pushes);
            registry.putResource(KEY, pushes);
        }
        return pushes;
    }

    /** Adds changes made with {@code version} (recorded in the outbox, if there is one, in this transaction). */
    void add(Map<String, String> values, long version) {
        values.forEach((id, value) -> changes.put(id, new Versioned(value, version, 0, true)));
    }

    @Override
    public void beforeCompletion() {
    }

    @Override
    public void afterCompletion(int status) {
        long start = System.nanoTime();
        if (status == Status.STATUS_COMMITTED && !changes.isEmpty()) {
            Map<String, Versioned> atCommit = new LinkedHashMap<>();
            changes.forEach((id, change) -> atCommit.put(id, new Versioned(change.value(), change.version(), start, true)));
            committed.accept(atCommit);
        }
        stats.committingThreadSpent(System.nanoTime() - start);
    }
}
