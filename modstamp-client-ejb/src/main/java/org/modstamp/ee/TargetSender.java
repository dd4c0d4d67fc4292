package org.modstamp.ee;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.modstamp.concurrent.Backoff;
import org.modstamp.concurrent.LatestValueWorker;
import org.modstamp.concurrent.WorkerHandler;
import org.modstamp.ra.api.ModstampConnection;
import org.modstamp.ra.api.ModstampConnectionFactory;

/**
 * Everything still to be confirmed by one target: the newest version of each id ({@link Versioned#newer}, so an
 * older value is never resent after a newer one), sent by one task at a time on a {@link LatestValueWorker}. A
 * failed push is retried after 50 ms, doubling up to 2 s, until the value's deadline passed since its commit; a
 * server that is down holds at most one managed thread, and none between retries past the 250 ms linger.
 */
final class TargetSender {
    private static final Logger LOG = Logger.getLogger(TargetSender.class.getName());
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(50), 2, Duration.ofSeconds(2));
    static final Duration LINGER = Duration.ofMillis(250);
    static final Duration REFUSED_RETRY = Duration.ofSeconds(1);

    /** Told of each confirmation of a value, with its version. */
    interface Confirmations {
        void confirmed(String target, String id, Versioned confirmed);
    }

    private final String name;
    private final ModstampConnectionFactory factory;
    private final Duration deadline;
    private final PusherStats stats;
    private final Confirmations confirmations;
    private final LatestValueWorker<String, Versioned> worker;

    TargetSender(String name, ModstampConnectionFactory factory, Duration deadline, PusherStats stats,
                 PusherExecutors executors, Confirmations confirmations) {
        this.name = name;
        this.factory = factory;
        this.deadline = deadline;
        this.stats = stats;
        this.confirmations = confirmations;
        this.worker = new LatestValueWorker<>(new Sending(), this::merge,
                executors.settings(BACKOFF, LINGER, REFUSED_RETRY, Integer.MAX_VALUE));
    }

    /** Adds a change; the newer version of an id stays. */
    void offer(String id, Versioned change) {
        worker.offer(id, change);
    }

    /**
     * The newer of two values of an id ({@link Versioned#newer}). Of two pending pushes the older one is never
     * sent: counted superseded ({@link Versioned#dropsAPush}); one in flight counts only if it then fails
     * ({@link Sending#overtaken}), as it may be confirmed yet.
     */
    private Versioned merge(Versioned pending, Versioned offered, boolean inFlight) {
        if (!inFlight && Versioned.dropsAPush(pending, offered)) {
            stats.superseded.incrementAndGet();
        }
        return Versioned.newer(pending, offered, inFlight);
    }

    /**
     * For the application's shutdown: sends what is pending until it is confirmed or {@code until}
     * (System.nanoTime) passes; then gives up what is left and returns those ids with their values.
     */
    Map<String, String> drain(long until) throws InterruptedException {
        Map<String, String> left = new LinkedHashMap<>();
        worker.drain(until).forEach((id, change) -> left.put(id, change.value()));
        stats.failed.addAndGet(left.size());
        return left;
    }

    /** Whether nothing waits to be confirmed (nor is being sent). */
    boolean idle() {
        return worker.pendingKeys().isEmpty();
    }

    private final class Sending implements WorkerHandler<String, Versioned> {
        @Override
        public Set<String> handle(Map<String, Versioned> batch) throws Exception {
            Map<String, String> values = new LinkedHashMap<>();
            batch.forEach((id, change) -> values.put(id, change.value()));
            Map<String, String> confirmed;
            try (ModstampConnection connection = factory.getConnection()) {
                confirmed = connection.push(values);
            }
            long now = System.nanoTime();
            Set<String> done = new HashSet<>();
            batch.forEach((id, change) -> {
                if (confirmed.containsKey(id) && Objects.equals(confirmed.get(id), change.value())) {
                    done.add(id);
                    stats.confirmedAfter(now - change.committedAt());
                    confirmations.confirmed(name, id, change);
                }
            });
            return Collections.unmodifiableSet(done);
        }

        @Override
        public boolean retry(String id, Versioned change, int failures, Exception cause, Duration pause) {
            if (System.nanoTime() - change.committedAt() < deadline.toNanos()) {
                LOG.log(Level.FINE, "modstamp: push of " + id + " to " + name + " failed; retrying in "
                        + pause.toMillis() + " ms", cause);
                return true;
            }
            stats.failed.incrementAndGet();
            LOG.log(Level.WARNING, "modstamp: " + name + " did not confirm " + id + " within " + deadline.toSeconds()
                    + " s of the commit; giving up", cause);
            return false;
        }

        @Override
        public void overtaken(String id, Versioned change) {
            if (!change.resent()) {
                stats.superseded.incrementAndGet(); // failed, and a newer value came meanwhile: never confirmed
            }
        }

        @Override
        public void cannotRun(RuntimeException cause) {
            LOG.log(Level.SEVERE, "modstamp: neither executor takes the push to " + name + " of " + worker.pendingKeys()
                    + " now; tried again with the next push", cause);
        }
    }
}
