package org.modstamp.ra.inbound;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.modstamp.client.ModstampClient;
import org.modstamp.client.WatchHandler;
import org.modstamp.client.Watching;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.wire.Watches.Position;

/**
 * The watched patterns of one bean ({@code jpa.Order.*}): a watch of each prefix on the server's client, whose
 * changes and resets go to the bean through its {@link BeanDelivery}. With resume, the position up to which the
 * bean committed everything is kept in its {@link CommittedValues} under the pattern (which no id can be), and the
 * next activation watches from it: what changed meanwhile is delivered, or a reset. A position is recorded only
 * when nothing is queued for the bean, read before that is checked: every change up to it was then delivered.
 */
final class PrefixWatches {
    private static final Logger LOG = Logger.getLogger(PrefixWatches.class.getName());

    private final List<String> patterns;
    private final String server;
    private final String bean;
    private final BeanDelivery delivery;
    private final CommittedValues committed;
    private final Runnable clientClosed;
    /** The running watch of each pattern; replaced when the activation listens again. */
    private final Map<String, Watching> watching = new LinkedHashMap<>();
    /** Set while the activation stops, and for good when that dropped queued changes: no position is recorded. */
    private boolean frozen;

    PrefixWatches(List<String> patterns, String server, String bean, BeanDelivery delivery, CommittedValues committed,
                  Runnable clientClosed) {
        this.patterns = patterns;
        this.server = server;
        this.bean = bean;
        this.delivery = delivery;
        this.committed = committed;
        this.clientClosed = clientClosed;
    }

    /**
     * Watches every pattern on {@code client}: from where the previous watch of it was, else from the position
     * the bean committed (resume), else from now.
     */
    synchronized void watchOn(ModstampClient client) {
        for (String pattern : patterns) {
            Position from = startFor(pattern);
            Watching before = watching.put(pattern, client.watch(ModstampActivationSpec.prefix(pattern), from,
                    new Handler(pattern)));
            if (before != null) {
                before.close();
            }
        }
    }

    private Position startFor(String pattern) {
        Watching before = watching.get(pattern);
        if (before != null && !before.position().isNow()) {
            return before.position();
        }
        String kept = committed == null ? null : committed.values().get(pattern);
        if (kept != null) {
            try {
                return Position.parse(kept);
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "modstamp: " + bean + ": the position kept for " + pattern + " in "
                        + committed.file() + " is not one; watching from now", e);
            }
        }
        return Position.NOW;
    }

    /** Waits at most {@code timeout} for every watch's first answer. */
    synchronized boolean awaitReady(Duration timeout) throws InterruptedException {
        for (Watching w : watching.values()) {
            if (!w.awaitReady(timeout)) {
                return false;
            }
        }
        return true;
    }

    /** Records each watch's position as the bean's, when {@code nothingQueued} says so after it was read. */
    synchronized void recordCommitted(BooleanSupplier nothingQueued) {
        if (committed == null || frozen) {
            return;
        }
        Map<String, Position> positions = new LinkedHashMap<>();
        watching.forEach((pattern, w) -> positions.put(pattern, w.position()));
        if (!nothingQueued.getAsBoolean()) {
            return; // a change told before these positions may not be committed yet
        }
        positions.forEach((pattern, p) -> {
            if (!p.isNow()) {
                committed.record(pattern, p.text());
            }
        });
    }

    /**
     * No position is recorded while {@code frozen}: set before the bean's queue is dropped, and cleared after when
     * nothing was dropped (the delivery in hand may still record its position when it ends).
     */
    synchronized void freeze(boolean frozen) {
        this.frozen = frozen;
    }

    synchronized void close() {
        watching.values().forEach(Watching::close);
    }

    /** The positions of the watches now, for logs. */
    synchronized Map<String, Position> positions() {
        Map<String, Position> positions = new LinkedHashMap<>();
        watching.forEach((pattern, w) -> positions.put(pattern, w.position()));
        return positions;
    }

    private final class Handler implements WatchHandler {
        private final String pattern;

        Handler(String pattern) {
            this.pattern = pattern;
        }

        @Override
        public void onChange(String id, String value, long revision) {
            delivery.enqueue(new ModstampChange(id, value, null, server, Instant.now(), revision, false));
        }

        @Override
        public void onReset(Position now) {
            LOG.info(() -> "modstamp: " + bean + ": the changes under " + pattern + " since its last position cannot "
                    + "be told by " + server + " (another store, or older than its log): delivering a reset");
            delivery.enqueue(ModstampChange.reset(pattern, server, Instant.now(), now.revision()));
        }

        @Override
        public void onClosed() {
            clientClosed.run();
        }
    }
}
