package org.modstamp.ra.inbound;

import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The resource the adapter hands to {@code createEndpoint} for a bean whose delivery is transacted: the
 * container enlists it in the transaction of every delivery, and its only job is to learn how that
 * transaction ended, so that a change whose transaction rolled back is delivered again. It holds no data:
 * prepare always votes yes, and there is nothing to recover.
 */
final class DeliveryOutcome implements XAResource {
    enum Outcome { UNKNOWN, COMMITTED, ROLLED_BACK }

    private volatile Outcome outcome = Outcome.UNKNOWN;

    /** Forgets the last outcome: called before each delivery. */
    void reset() {
        outcome = Outcome.UNKNOWN;
    }

    /** How the transaction of the last delivery ended; UNKNOWN when the container did not enlist this resource. */
    Outcome outcome() {
        return outcome;
    }

    @Override
    public void start(Xid xid, int flags) {
        // nothing to associate: this resource only observes the outcome
    }

    @Override
    public void end(Xid xid, int flags) {
        // the outcome comes with commit or rollback, also after end(TMFAIL)
    }

    @Override
    public int prepare(Xid xid) {
        return XA_OK; // not XA_RDONLY: a read-only resource would not be told the outcome
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
        outcome = Outcome.COMMITTED;
    }

    @Override
    public void rollback(Xid xid) {
        outcome = Outcome.ROLLED_BACK;
    }

    @Override
    public void forget(Xid xid) {
        // no heuristic decisions are ever taken here
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0]; // no state survives a crash: an unfinished delivery is simply delivered again
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
