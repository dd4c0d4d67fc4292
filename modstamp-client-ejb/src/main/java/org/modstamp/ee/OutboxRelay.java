package org.modstamp.ee;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The outbox's life once the table is there: every {@code outboxSweepSeconds} (and at start: a crash may have
 * left rows) it sends again the rows no target confirmed; it collects the targets' confirmations and marks a
 * row confirmed once every target confirmed its value and version. When the row moved on meanwhile (another
 * transaction, maybe in another instance, committed a newer version), the value just confirmed may have
 * overwritten it on the servers: the newer row is sent again at once. Every version read from the table is
 * shown to the {@link HybridClock}, so that this instance's next versions are greater.
 */
final class OutboxRelay implements TargetSender.Confirmations {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class.getName());

    private record Confirmed(Versioned change, Set<String> targets) {
    }

    private final Outbox outbox;
    private final List<String> targets;
    private final HybridClock clock;
    private final Consumer<Map<String, Versioned>> send;
    private final Map<String, Confirmed> byId = new HashMap<>();
    private ScheduledFuture<?> sweeping;

    OutboxRelay(Outbox outbox, List<String> targets, HybridClock clock, Consumer<Map<String, Versioned>> send) {
        this.outbox = outbox;
        this.targets = targets;
        this.clock = clock;
        this.send = send;
    }

    Outbox outbox() {
        return outbox;
    }

    /** Sweeps now, then every {@code seconds}. */
    void start(ScheduledExecutorService scheduler, long seconds) {
        sweeping = scheduler.scheduleWithFixedDelay(() -> sweep(seconds), 0, seconds, TimeUnit.SECONDS);
    }

    void stop() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
    }

    /** Sends every row no target confirmed yet (left by a crash, a lost confirmation, or a deadline). */
    private void sweep(long seconds) {
        try {
            List<Outbox.Row> rows = outbox.unconfirmed();
            rows.forEach(row -> clock.observe(row.version()));
            if (!rows.isEmpty()) {
                LOG.fine(() -> "modstamp: the outbox sweep sends " + rows.size() + " unconfirmed changes");
                send.accept(asChanges(rows));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "modstamp: the sweep of " + outbox + " failed; trying again in " + seconds + " s", e);
        }
    }

    private static Map<String, Versioned> asChanges(List<Outbox.Row> rows) {
        long now = System.nanoTime();
        Map<String, Versioned> changes = new HashMap<>();
        rows.forEach(row -> changes.put(row.id(), Versioned.resent(row, now)));
        return changes;
    }

    @Override
    public void confirmed(String target, String id, Versioned change) {
        synchronized (byId) {
            Confirmed so = byId.get(id);
            if (so == null || so.change().version() != change.version()) {
                so = new Confirmed(change, new HashSet<>());
                byId.put(id, so);
            }
            so.targets().add(target);
            if (so.targets().size() < targets.size()) {
                return;
            }
            byId.remove(id);
        }
        try {
            Optional<Outbox.Row> newer = outbox.confirmed(change.row(id));
            newer.ifPresent(row -> {
                clock.observe(row.version());
                send.accept(asChanges(List.of(row)));
            });
        } catch (SQLException | RuntimeException e) { // the row stays unconfirmed: the next sweep sends it again, which is harmless
            LOG.log(Level.WARNING, "modstamp: cannot mark " + id + " confirmed in " + outbox, e);
        }
    }
}
