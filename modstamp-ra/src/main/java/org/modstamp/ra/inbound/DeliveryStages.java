package org.modstamp.ra.inbound;

import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.modstamp.ra.api.ModstampChange;

/**
 * Where the time of one delivery went, logged at FINE (logger {@code org.modstamp.ra.inbound.BeanDelivery}):
 * <b>queued</b> from the Signal's arrival at the adapter's socket until the delivery started (the queue, and the Work
 * or the lingering run taking it); <b>begun</b> the container's {@code beforeDelivery} (the endpoint's transaction
 * begun, the adapter's outcome enlisted); <b>bean</b> its {@code onModstampChange}; <b>completed</b> the
 * container's {@code afterDelivery} (the commit or rollback); <b>outcome</b> until the adapter learned it. One clock
 * read a stage.
 */
final class DeliveryStages {
    private final ModstampChange change;
    private final Instant startedAt = Instant.now();
    private final long started = System.nanoTime();
    private long begun;
    private long beanReturned;
    private long completed;

    DeliveryStages(ModstampChange change) {
        this.change = change;
    }

    void begun() {
        begun = System.nanoTime();
    }

    void beanReturned() {
        beanReturned = System.nanoTime();
    }

    void completed() {
        completed = System.nanoTime();
    }

    /** Logs the stages at FINE, once the outcome is known. */
    void log(Logger log, String bean, DeliveryOutcome.Outcome outcome) {
        if (!log.isLoggable(Level.FINE)) {
            return;
        }
        long known = System.nanoTime();
        log.fine("modstamp: delivered " + change.id() + " = " + change.value() + " to " + bean + " (" + outcome
                + "), stages in µs: queued " + Duration.between(change.receivedAt(), startedAt).toNanos() / 1_000
                + ", begun " + micros(started, begun) + ", bean " + micros(begun, beanReturned) + ", completed "
                + micros(beanReturned, completed) + ", outcome " + micros(completed, known));
    }

    /** A stage that did not happen (the container threw before it) reads 0. */
    private static long micros(long from, long to) {
        return from == 0 || to == 0 ? 0 : (to - from) / 1_000;
    }
}
