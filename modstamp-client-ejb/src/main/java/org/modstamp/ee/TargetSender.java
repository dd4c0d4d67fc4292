package org.modstamp.ee;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.modstamp.ra.api.ModstampConnection;
import org.modstamp.ra.api.ModstampConnectionFactory;

/**
 * Everything still to be confirmed by one target, the latest value per id, sent by at most one task at a
 * time: a newer commit of an id replaces an older unconfirmed value (so an older value can never be
 * resent after a newer one), and a server that is down holds one managed thread, not one per commit. A
 * task the executor refuses is tried again a second later on the scheduler, never left for the next push.
 */
final class TargetSender {
    private static final Logger LOG = Logger.getLogger(TargetSender.class.getName());
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    static final Duration RETRY = Duration.ofSeconds(1);
    static final Duration LINGER = Duration.ofMillis(250);

    /** A value waiting for its confirmation, with when it was committed and its outbox version (0: none). */
    private record Pending(String value, long committedAt, long version) {
    }

    /** Told of each confirmation of a value that has an outbox version. */
    interface Confirmations {
        void confirmed(String target, String id, long version);
    }

    private final String name;
    private final ModstampConnectionFactory factory;
    private final Duration deadline;
    private final PusherStats stats;
    private final TaskRunner runner;
    private final Confirmations confirmations;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private boolean sending;
    /** Set when the application stops: past {@link #stopAt} (System.nanoTime), a sending loop ends. */
    private volatile boolean draining;
    private volatile long stopAt;

    TargetSender(String name, ModstampConnectionFactory factory, Duration deadline, PusherStats stats,
                 TaskRunner runner, Confirmations confirmations) {
        this.name = name;
        this.confirmations = confirmations;
        this.factory = factory;
        this.deadline = deadline;
        this.stats = stats;
        this.runner = runner;
    }

    /**
     * Adds changes (the latest value of an id wins) and starts a sending task unless one runs. {@code version}
     * is their outbox version, 0 without an outbox.
     */
    void offer(Map<String, String> changes, long committedAt, long version) {
        synchronized (this) {
            changes.forEach((id, value) -> {
                if (pending.put(id, new Pending(value, committedAt, version)) != null) {
                    stats.superseded.incrementAndGet();
                }
            });
            if (!startSending()) {
                notifyAll(); // a task that lingers takes them
                return;
            }
        }
        start();
    }

    /**
     * Adds a row left in the outbox unless a newer version of its id is pending already (sent by the sweep,
     * after a crash or when a confirmation was lost).
     */
    void offerLeftOver(String id, String value, long version, long now) {
        synchronized (this) {
            Pending current = pending.get(id);
            if (current != null && current.version() >= version) {
                return;
            }
            pending.put(id, new Pending(value, now, version));
            if (!startSending()) {
                notifyAll();
                return;
            }
        }
        start();
    }

    /** Whether the caller starts the sending task (none runs yet); the caller holds the lock. */
    private boolean startSending() {
        if (sending) {
            return false;
        }
        sending = true;
        return true;
    }

    private void start() {
        try {
            runner.runOrRetry(this::send, RETRY);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                sending = false; // neither executor takes work: the next offer or the drain tries again
            }
            LOG.log(Level.SEVERE, "modstamp: cannot run the push to " + name + " of " + pendingIds()
                    + " now or later; tried again with the next push", e);
        }
    }

    private void send() {
        try {
            sendUntilDone();
        } catch (RuntimeException e) { // never leave the flag set with nobody sending
            LOG.log(Level.WARNING, "modstamp: the push to " + name + " failed; going on in " + RETRY.toMillis() + " ms", e);
            retryLater();
        }
    }

    private void sendUntilDone() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            Map<String, String> batch = nextBatch();
            if (batch == null) {
                return;
            }
            Map<String, String> confirmed = Map.of();
            try (ModstampConnection connection = factory.getConnection()) {
                confirmed = connection.push(batch);
            } catch (Exception e) {
                LOG.log(Level.FINE, "modstamp: push to " + name + " failed; retrying", e);
            }
            confirm(confirmed);
            if (!confirmed.isEmpty()) {
                backoff = FIRST_BACKOFF_MILLIS;
                continue;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the executor is stopping this task: go on from the scheduler
                LOG.log(Level.FINE, "modstamp: the push to " + name + " was interrupted; going on in "
                        + RETRY.toMillis() + " ms", e);
                retryLater();
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    /**
     * The values to send now, or null when there is nothing (left) to send and the task ends. With nothing
     * pending it waits {@link #LINGER} for the next commit first: a target pushed to often keeps its task instead
     * of being handed a new one by the executor for each commit.
     */
    private synchronized Map<String, String> nextBatch() {
        expire();
        long lingerUntil = System.nanoTime() + LINGER.toNanos();
        for (long left = LINGER.toNanos(); pending.isEmpty() && !draining && left > 0;
             left = lingerUntil - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the executor is stopping: end now
                break;
            }
        }
        if (pending.isEmpty() || (draining && System.nanoTime() - stopAt > 0)) {
            sending = false;
            notifyAll();
            return null;
        }
        Map<String, String> batch = new LinkedHashMap<>();
        pending.forEach((id, p) -> batch.put(id, p.value()));
        return batch;
    }

    /**
     * Removes what the target confirmed with the value still pending (a newer value stays), and tells the
     * outbox the versions confirmed.
     */
    private void confirm(Map<String, String> confirmed) {
        Map<String, Long> versions = new LinkedHashMap<>();
        synchronized (this) {
            long now = System.nanoTime();
            confirmed.forEach((id, value) -> {
                Pending p = pending.get(id);
                if (p != null && Objects.equals(p.value(), value)) {
                    pending.remove(id);
                    stats.confirmedAfter(now - p.committedAt());
                    if (p.version() != 0) {
                        versions.put(id, p.version());
                    }
                }
            });
        }
        versions.forEach((id, version) -> confirmations.confirmed(name, id, version));
    }

    private void retryLater() {
        try {
            runner.later(RETRY, this::start);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                sending = false;
            }
            Set<String> ids = pendingIds();
            LOG.log(ids.isEmpty() ? Level.FINE : Level.WARNING, "modstamp: the scheduler refused to go on with the "
                    + "push to " + name + " of " + ids + "; tried again with the next push", e);
        }
    }

    /** Gives up the values whose deadline passed (caller holds the lock). */
    private void expire() {
        long now = System.nanoTime();
        pending.entrySet().removeIf(e -> {
            if (now - e.getValue().committedAt() < deadline.toNanos()) {
                return false;
            }
            stats.failed.incrementAndGet();
            LOG.warning(() -> "modstamp: " + name + " did not confirm " + e.getKey() + " within " + deadline.toSeconds()
                    + " s of the commit; giving up");
            return true;
        });
    }

    /**
     * For the application's shutdown: sends what is pending until it is confirmed or {@code until}
     * (System.nanoTime) passes, on the caller's thread if no task is sending (the executors may already be
     * stopping); then gives up what is left and returns those ids with their values.
     */
    Map<String, String> drain(long until) {
        stopAt = until;
        draining = true;
        boolean sendHere;
        synchronized (this) {
            notifyAll(); // a task that lingers ends
            sendHere = !sending && !pending.isEmpty();
            if (sendHere) {
                sending = true;
            }
        }
        if (sendHere) {
            send();
        }
        synchronized (this) {
            for (long left; sending && (left = until - System.nanoTime()) > 0; ) {
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            Map<String, String> left = new LinkedHashMap<>();
            pending.forEach((id, p) -> left.put(id, p.value()));
            stats.failed.addAndGet(left.size());
            pending.clear();
            return left;
        }
    }

    private synchronized Set<String> pendingIds() {
        return Set.copyOf(pending.keySet());
    }
}
