package org.modstamp.ee;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Collects the targets' confirmations of outbox versions and marks a row confirmed once every target
 * confirmed its version. Holds at most one entry per id: a newer version replaces an older one.
 */
final class OutboxConfirmations implements TargetSender.Confirmations {
    private static final Logger LOG = Logger.getLogger(OutboxConfirmations.class.getName());

    private record Confirmed(long version, Set<String> targets) {
    }

    private final Outbox outbox;
    private final List<String> targets;
    private final Map<String, Confirmed> byId = new HashMap<>();

    OutboxConfirmations(Outbox outbox, List<String> targets) {
        this.outbox = outbox;
        this.targets = targets;
    }

    @Override
    public void confirmed(String target, String id, long version) {
        synchronized (byId) {
            Confirmed so = byId.get(id);
            if (so == null || so.version() != version) {
                so = new Confirmed(version, new HashSet<>());
                byId.put(id, so);
            }
            so.targets().add(target);
            if (so.targets().size() < targets.size()) {
                return;
            }
            byId.remove(id);
        }
        try {
            outbox.confirmed(id, version);
        } catch (SQLException e) { // the row stays unconfirmed: the next sweep sends it again, which is harmless
            LOG.log(Level.WARNING, "modstamp: cannot mark " + id + " confirmed in the outbox " + outbox.table(), e);
        }
    }
}
