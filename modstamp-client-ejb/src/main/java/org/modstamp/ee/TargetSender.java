package org.modstamp.ee;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.modstamp.ra.api.ModstampConnection;
import org.modstamp.ra.api.ModstampConnectionFactory;

/**
 * Everything still to be confirmed by one target, the latest value per id, sent by at most one task at a
 * time: a newer commit of an id replaces an older unconfirmed value (so an older value can never be
 * resent after a newer one), and a server that is down holds one managed thread, not one per commit.
 */
final class TargetSender {
    private static final Logger LOG = Logger.getLogger(TargetSender.class.getName());
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    /** A value waiting for its confirmation, with when it was committed. */
    private record Pending(String value, long committedAt) {
    }

    private final String name;
    private final ModstampConnectionFactory factory;
    private final Duration deadline;
    private final PusherStats stats;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private boolean sending;

    TargetSender(String name, ModstampConnectionFactory factory, Duration deadline, PusherStats stats) {
        this.name = name;
        this.factory = factory;
        this.deadline = deadline;
        this.stats = stats;
    }

    /** Adds changes (the latest value of an id wins) and starts a sending task unless one runs. */
    void offer(Map<String, String> changes, long committedAt, Executor executor) {
        synchronized (this) {
            changes.forEach((id, value) -> {
                if (pending.put(id, new Pending(value, committedAt)) != null) {
                    stats.superseded.incrementAndGet();
                }
            });
            if (sending) {
                return;
            }
            sending = true;
        }
        try {
            executor.execute(this::send);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                sending = false; // the next offer tries again
            }
            LOG.log(Level.WARNING, "modstamp: the executor refused to push to " + name + "; retried with the next push", e);
        }
    }

    private void send() {
        long backoff = 50;
        while (true) {
            Map<String, String> batch = new LinkedHashMap<>();
            synchronized (this) {
                expire();
                if (pending.isEmpty()) {
                    sending = false;
                    return;
                }
                pending.forEach((id, p) -> batch.put(id, p.value()));
            }
            Map<String, String> confirmed = Map.of();
            try (ModstampConnection connection = factory.getConnection()) {
                confirmed = connection.push(batch);
            } catch (Exception e) {
                LOG.log(Level.FINE, "modstamp: push to " + name + " failed; retrying", e);
            }
            long now = System.nanoTime();
            synchronized (this) {
                for (Map.Entry<String, String> done : confirmed.entrySet()) {
                    Pending p = pending.get(done.getKey());
                    if (p != null && java.util.Objects.equals(p.value(), done.getValue())) {
                        pending.remove(done.getKey());
                        stats.confirmedAfter(now - p.committedAt());
                    }
                }
            }
            if (confirmed.isEmpty()) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    synchronized (this) {
                        stats.failed.addAndGet(pending.size());
                        pending.clear();
                        sending = false;
                    }
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } else {
                backoff = 50;
            }
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
}
