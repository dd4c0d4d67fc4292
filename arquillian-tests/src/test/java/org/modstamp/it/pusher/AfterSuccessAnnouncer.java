package org.modstamp.it.pusher;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import org.modstamp.ee.ModstampPusher;

/** The usual CDI way to announce a committed change: an observer of the transaction's success pushes it. */
@ApplicationScoped
public class AfterSuccessAnnouncer {
    /** A change that the application's transaction made. */
    public record Changed(String id, String value) {
    }

    @Inject
    ModstampPusher pusher;

    void announce(@Observes(during = TransactionPhase.AFTER_SUCCESS) Changed change) {
        pusher.push(change.id(), change.value());
    }
}
