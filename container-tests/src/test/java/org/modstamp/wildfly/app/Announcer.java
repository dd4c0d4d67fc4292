package org.modstamp.wildfly.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.modstamp.ee.ModstampPusher;

/**
 * Announces committed changes from an AFTER_SUCCESS observer. On WildFly (Narayana) the transaction is
 * still bound here, with the status COMMITTED: the pusher must send at once, not wait for a commit.
 */
@ApplicationScoped
public class Announcer {
    /** A change that the application's transaction made. */
    public record Changed(String id, String value) {
    }

    @Inject
    ModstampPusher pusher;

    void announce(@Observes(during = TransactionPhase.AFTER_SUCCESS) Changed change) {
        pusher.push(change.id(), change.value());
    }
}
