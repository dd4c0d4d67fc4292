package org.modstamp.ra.inbound;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The resource the adapter hands to {@code createEndpoint} for a bean whose delivery is transacted: the
 * container enlists it in the transaction of every delivery, and its only job is to learn how each of those
 * transactions ended, so that a change whose transaction rolled back is delivered again. Outcomes are kept per
 * transaction branch (Xid): a commit that the transaction manager makes late or on another thread (asynchronous
 * commit) is the outcome of its own delivery, never of the next one on the endpoint. It holds no data: prepare
 * always votes yes, and there is nothing to recover. Serializable, so that a transaction manager that logs its
 * resources for recovery (Narayana) can restore it after a crash and finish the transaction with it, which
 * then does nothing: the change itself is delivered again.
 */
final class DeliveryOutcome implements XAResource, Serializable {
    private static final long serialVersionUID = 1L;

    enum Outcome { UNKNOWN, COMMITTED, ROLLED_BACK }

    /** The transaction of one delivery: enlisted or not, and how it ended. */
    static final class Attempt {
        private volatile boolean enlisted;
        private final CompletableFuture<Outcome> ended = new CompletableFuture<>();

        /**
         * How its transaction ended, waiting at most {@code timeout} for an outcome that the transaction manager
         * gives after the delivery returned; UNKNOWN when the resource was never enlisted (no transaction) or
         * no outcome came in time.
         */
        boolean enlisted() {
            return enlisted;
        }

        Outcome await(Duration timeout) throws InterruptedException {
            if (!enlisted) {
                return Outcome.UNKNOWN;
            }
            try {
                return ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return Outcome.UNKNOWN;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A branch by its bytes: Xid implementations need not implement equals. */
    private record Branch(int format, byte[] global, byte[] qualifier) {
        static Branch of(Xid xid) {
            return new Branch(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Branch b && b.format == format && Arrays.equals(b.global, global)
                    && Arrays.equals(b.qualifier, qualifier);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * format + Arrays.hashCode(global)) + Arrays.hashCode(qualifier);
        }

        @Override
        public String toString() {
            return "Branch[" + format + "]";
        }
    }

    private transient volatile Attempt next;
    private final transient Map<Branch, Attempt> running = new ConcurrentHashMap<>();

    /** A new delivery begins: the transaction the container starts for it next belongs to the attempt returned. */
    Attempt begin() {
        Attempt attempt = new Attempt();
        next = attempt;
        return attempt;
    }

    @Override
    public void start(Xid xid, int flags) {
        Attempt attempt = next;
        if (attempt == null || (flags & (TMJOIN | TMRESUME)) != 0) {
            return; // a join or a resume of a branch already known
        }
        next = null;
        attempt.enlisted = true;
        if (running != null) {
            running.put(Branch.of(xid), attempt);
        }
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
        ended(xid, Outcome.COMMITTED);
    }

    @Override
    public void rollback(Xid xid) {
        ended(xid, Outcome.ROLLED_BACK);
    }

    private void ended(Xid xid, Outcome outcome) {
        Attempt attempt = running == null ? null : running.remove(Branch.of(xid));
        if (attempt != null) { // null: a branch restored by recovery, or one that ended already
            attempt.ended.complete(outcome);
        }
    }

    /** The delivery gave up waiting for its outcome: forget its branch. */
    void abandon(Attempt attempt) {
        if (running != null) {
            running.values().remove(attempt);
        }
    }

    @Override
    public void forget(Xid xid) {
        if (running != null) {
            running.remove(Branch.of(xid));
        }
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
