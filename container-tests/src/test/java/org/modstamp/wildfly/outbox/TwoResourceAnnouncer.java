package org.modstamp.wildfly.outbox;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.modstamp.ee.ModstampPusher;

/**
 * The AFTER_SUCCESS observer of a transaction with two resources: notes what the registry tells it about the
 * transaction (which decides what the pusher does with the push), then pushes.
 */
@ApplicationScoped
public class TwoResourceAnnouncer {
    /** A change that the application's two-resource transaction made. */
    public record Changed(String id, String value) {
    }

    @Inject
    ModstampPusher pusher;

    @Resource
    TransactionSynchronizationRegistry transactions;

    private final Map<String, String> seen = new ConcurrentHashMap<>();

    void announce(@Observes(during = TransactionPhase.AFTER_SUCCESS) Changed change) {
        Object key = transactions.getTransactionKey();
        int status = transactions.getTransactionStatus();
        seen.put(change.id(), "getTransactionKey()=" + (key == null ? "null" : "non-null (" + key + ")")
                + " getTransactionStatus()=" + status + " (" + TransactionStatus.name(status) + ") thread="
                + Thread.currentThread().getName());
        pusher.push(change.id(), change.value());
    }

    /** What the observer saw for {@code id}, or null when it has not run (yet). */
    public String seen(String id) {
        return seen.get(id);
    }
}
