package org.modstamp.ee;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.resource.ResourceException;

import org.modstamp.concurrent.LatestValueWorker;
import org.modstamp.concurrent.WorkerHandler;

/**
 * The hand-off between the threads that push (a committing thread only offers to a {@link LatestValueWorker},
 * which never blocks it) and the senders of the targets. Its task, on a managed thread outside any
 * transaction, first records in the outbox the pushes that could not join a transaction (made after it
 * ended), each in a transaction of its own, so that the outbox's sweep never resends an older row over them;
 * then passes every change to each target's sender.
 */
final class PushDispatcher {
    private static final Logger LOG = Logger.getLogger(PushDispatcher.class.getName());

    /** A target's sender, looked up by name. */
    interface Senders {
        TargetSender of(String target) throws ResourceException;
    }

    private final List<String> targets;
    private final Senders senders;
    /** Null without an outbox. */
    private final Outbox outbox;
    private final PusherStats stats;
    private final LatestValueWorker<String, Versioned> worker;

    PushDispatcher(List<String> targets, Senders senders, Outbox outbox, PusherStats stats, PusherExecutors executors) {
        this.targets = targets;
        this.senders = senders;
        this.outbox = outbox;
        this.stats = stats;
        this.worker = new LatestValueWorker<>(new Dispatching(), this::merge,
                executors.settings(TargetSender.BACKOFF, TargetSender.LINGER, TargetSender.REFUSED_RETRY, Integer.MAX_VALUE));
    }

    /** Hands pushed changes over; returns at once. */
    void offer(Map<String, Versioned> changes) {
        changes.forEach((id, change) -> {
            worker.offer(id, change);
        });
    }

    /**
     * The newer of two values of an id ({@link Versioned#newer}); of two pushes waiting for a sender, the older one
     * never reaches it: counted superseded ({@link Versioned#dropsAPush}).
     */
    private Versioned merge(Versioned pending, Versioned offered, boolean inFlight) {
        if (!inFlight && Versioned.dropsAPush(pending, offered)) {
            stats.superseded.addAndGet(targets.size());
        }
        return Versioned.newer(pending, offered, inFlight);
    }

    /** Hands over rows of the outbox to be sent again (not counted as new pushes). */
    void resend(Map<String, Versioned> rows) {
        rows.forEach(worker::offer);
    }

    /** For the application's shutdown: passes what is queued to the senders, on the caller's thread if need be. */
    void drain(long until) throws InterruptedException {
        Map<String, Versioned> left = worker.drain(until);
        if (!left.isEmpty()) {
            stats.failed.addAndGet((long) left.size() * targets.size());
            LOG.warning(() -> "modstamp: the application stops before " + left.keySet() + " reached a sender");
        }
    }

    /** Whether nothing waits to be handed to a sender. */
    boolean idle() {
        return worker.pendingKeys().isEmpty();
    }

    private final class Dispatching implements WorkerHandler<String, Versioned> {
        @Override
        public Set<String> handle(Map<String, Versioned> batch) {
            if (outbox != null) {
                record(batch);
            }
            for (String target : targets) {
                try {
                    TargetSender sender = senders.of(target);
                    batch.forEach(sender::offer);
                } catch (ResourceException e) {
                    stats.failed.addAndGet(batch.size());
                    LOG.log(Level.SEVERE, "modstamp: cannot push " + batch.keySet() + " to " + target, e);
                }
            }
            return batch.keySet();
        }

        /**
         * Records the pushes made after their transaction; when the database fails, they are sent all the same,
         * and recorded when confirmed ({@link Outbox#confirmed}).
         */
        private void record(Map<String, Versioned> batch) {
            List<Outbox.Row> rows = new ArrayList<>();
            batch.forEach((id, change) -> {
                if (!change.recorded()) {
                    rows.add(change.row(id));
                }
            });
            if (rows.isEmpty()) {
                return;
            }
            try {
                outbox.recordOnItsOwn(rows);
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.WARNING, "modstamp: cannot record " + rows.stream().map(Outbox.Row::id).toList()
                        + " in " + outbox + "; sending them without it", e);
            }
        }

        @Override
        public boolean retry(String id, Versioned change, int failures, Exception cause, Duration pause) {
            LOG.log(Level.WARNING, "modstamp: dispatching " + id + " failed; again in " + pause.toMillis() + " ms", cause);
            return true;
        }

        @Override
        public void cannotRun(RuntimeException cause) {
            LOG.log(Level.SEVERE, "modstamp: neither executor takes the pusher's dispatcher; " + worker.pendingKeys()
                    + " wait for the next push", cause);
        }
    }
}
