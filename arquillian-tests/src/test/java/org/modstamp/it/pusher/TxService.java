package org.modstamp.it.pusher;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.modstamp.ee.ModstampPusher;

/** A CDI bean whose @Transactional methods push and then commit or roll back. */
@ApplicationScoped
public class TxService {
    @Inject
    ModstampPusher pusher;

    @Transactional
    public void pushAndCommit(String id, String value) {
        pusher.push(id, value);
    }

    @Transactional
    public void pushTwiceAndCommit(String id, String first, String second) {
        pusher.push(id, first);
        pusher.push(id, second);
    }

    @jakarta.annotation.Resource
    jakarta.transaction.TransactionSynchronizationRegistry transactions;

    /** Marks the transaction for rollback first: the push must not go out, although nothing is thrown. */
    @Transactional
    public void markForRollbackThenPush(String id, String value) {
        transactions.setRollbackOnly();
        pusher.push(id, value);
    }

    @Inject
    jakarta.enterprise.event.Event<AfterSuccessAnnouncer.Changed> changed;

    /** Fires an event that an AFTER_SUCCESS observer turns into a push, then commits. */
    @Transactional
    public void announceAndCommit(String id, String value) {
        changed.fire(new AfterSuccessAnnouncer.Changed(id, value));
    }

    @Transactional
    public void pushAndRollBack(String id, String value) {
        pusher.push(id, value);
        throw new IllegalStateException("rolled back on purpose");
    }
}
