package org.modstamp.ee;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** One transaction at a time, as the pusher sees it through the registry; the test sets its status and ends it. */
final class FakeTransactions implements TransactionSynchronizationRegistry {
    private Object key;
    private int status = Status.STATUS_NO_TRANSACTION;
    private boolean refusesSynchronizations;
    private final Map<Object, Object> resources = new HashMap<>();
    private final List<Synchronization> synchronizations = new ArrayList<>();

    void begin() {
        key = new Object();
        status = Status.STATUS_ACTIVE;
        refusesSynchronizations = false;
        resources.clear();
        synchronizations.clear();
    }

    /** The transaction moves to {@code status} without ending (committed but still bound, as on Narayana). */
    void status(int status, boolean refusesSynchronizations) {
        this.status = status;
        this.refusesSynchronizations = refusesSynchronizations;
    }

    /** Ends the transaction with {@code outcome}: the synchronizations are told, and it is unbound. */
    void end(int outcome) {
        status = outcome;
        synchronizations.forEach(s -> s.afterCompletion(outcome));
        key = null;
        status = Status.STATUS_NO_TRANSACTION;
    }

    @Override
    public Object getTransactionKey() {
        return key;
    }

    @Override
    public void putResource(Object k, Object value) {
        resources.put(k, value);
    }

    @Override
    public Object getResource(Object k) {
        return resources.get(k);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        if (refusesSynchronizations) {
            throw new IllegalStateException("the transaction is completing");
        }
        synchronizations.add(sync);
    }

    @Override
    public int getTransactionStatus() {
        return status;
    }

    @Override
    public void setRollbackOnly() {
        status = Status.STATUS_MARKED_ROLLBACK;
    }

    @Override
    public boolean getRollbackOnly() {
        return status == Status.STATUS_MARKED_ROLLBACK;
    }
}
