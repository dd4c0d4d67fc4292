package org.modstamp.ra;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Timer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkCompletedException;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkEvent;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.modstamp.ra.api.ModstampListener;

/** Just enough of an application server to run the adapter in a unit test: a WorkManager on a thread pool. */
final class FakeContainer implements BootstrapContext, WorkManager, AutoCloseable {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** While set, scheduled Work is refused, as a WorkManager with no thread to spare would. */
    volatile boolean refusing;
    /**
     * How many of the next scheduled Works are accepted and then dropped: reported to their WorkListener as
     * rejected (as a WorkManager does when a Work cannot start in time), never run.
     */
    final AtomicInteger toDrop = new AtomicInteger();
    /** How many of the next scheduled Works are accepted and then failed before they run (workCompleted with an exception). */
    final AtomicInteger toFail = new AtomicInteger();
    /** Scheduled Works running now. */
    private final AtomicInteger running = new AtomicInteger();

    @Override
    public WorkManager getWorkManager() {
        return this;
    }

    @Override
    public XATerminator getXATerminator() {
        return null;
    }

    @Override
    public Timer createTimer() {
        return new Timer(true);
    }

    @Override
    public boolean isContextSupported(Class<? extends WorkContext> workContextClass) {
        return false;
    }

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return null;
    }

    @Override
    public void doWork(Work work) {
        work.run();
    }

    @Override
    public void doWork(Work work, long timeout, ExecutionContext ctx, WorkListener listener) {
        work.run();
    }

    @Override
    public long startWork(Work work) {
        pool.execute(work);
        return 0;
    }

    @Override
    public long startWork(Work work, long timeout, ExecutionContext ctx, WorkListener listener) {
        return startWork(work);
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        if (refusing) {
            throw new WorkRejectedException("refused for the test");
        }
        pool.execute(() -> {
            running.incrementAndGet();
            try {
                work.run();
            } finally {
                synchronized (running) {
                    running.decrementAndGet();
                    running.notifyAll();
                }
            }
        });
    }

    /**
     * Waits until at most {@code left} scheduled Works run (a client's loop runs for good; a delivery Work ends
     * when it has lingered with nothing to deliver), or fails after 5 s.
     */
    void awaitRunningWorks(int left) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        synchronized (running) {
            while (running.get() > left) {
                long wait = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (wait <= 0) {
                    throw new AssertionError(running.get() + " Works still run");
                }
                running.wait(wait);
            }
        }
    }

    @Override
    public void scheduleWork(Work work, long timeout, ExecutionContext ctx, WorkListener listener) throws WorkException {
        if (listener != null && toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            pool.execute(() -> listener.workRejected(new WorkEvent(this, WorkEvent.WORK_REJECTED, work,
                    new WorkRejectedException("dropped for the test", WorkException.START_TIMED_OUT))));
            return;
        }
        if (listener != null && toFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            pool.execute(() -> listener.workCompleted(new WorkEvent(this, WorkEvent.WORK_COMPLETED, work,
                    new WorkCompletedException("failed for the test", WorkException.INTERNAL))));
            return;
        }
        scheduleWork(work);
    }

    /** A factory of endpoints that pass each change to {@code bean}, as an MDB container would. */
    static MessageEndpointFactory endpoints(String name, ModstampListener bean) {
        return endpoints(name, bean, false);
    }

    /**
     * With {@code transacted}, each delivery runs in a transaction, as for a bean with container-managed
     * transactions: the XAResource given to createEndpoint is enlisted in it, and it rolls back when the bean
     * throws or called {@link #setRollbackOnly()}, and commits otherwise.
     */
    static MessageEndpointFactory endpoints(String name, ModstampListener bean, boolean transacted) {
        return endpoints(name, bean, transacted, false);
    }

    /**
     * With {@code lateCommits}, as a transaction manager that commits asynchronously: the commit of a delivery
     * reaches the XAResource 300 ms after the delivery returned, or, sooner, right after the rollback of the
     * next delivery on the endpoint.
     */
    static MessageEndpointFactory endpoints(String name, ModstampListener bean, boolean transacted, boolean lateCommits) {
        return new MessageEndpointFactory() {
            @Override
            public MessageEndpoint createEndpoint(XAResource xa) {
                FakeTransactions transactions = new FakeTransactions(transacted ? xa : null, lateCommits);
                return (MessageEndpoint) Proxy.newProxyInstance(FakeContainer.class.getClassLoader(),
                        new Class<?>[] {MessageEndpoint.class, ModstampListener.class}, (proxy, method, args) -> {
                            switch (method.getName()) {
                                case "beforeDelivery" -> transactions.begin();
                                case "afterDelivery" -> transactions.complete();
                                case "onModstampChange" -> transactions.invoke(
                                        () -> bean.onModstampChange((org.modstamp.ra.api.ModstampChange) args[0]));
                                default -> { }
                            }
                            return null;
                        });
            }

            @Override
            public MessageEndpoint createEndpoint(XAResource xa, long timeout) {
                return createEndpoint(xa);
            }

            @Override
            public boolean isDeliveryTransacted(Method method) {
                return transacted;
            }

            @Override
            public String getActivationName() {
                return name;
            }

            @Override
            public Class<?> getEndpointClass() {
                return bean.getClass();
            }
        };
    }

    private static final ThreadLocal<boolean[]> ROLLBACK_ONLY = new ThreadLocal<>();

    /** For a bean in a transacted delivery: marks the delivery's transaction for rollback. */
    static void setRollbackOnly() {
        ROLLBACK_ONLY.get()[0] = true;
    }

    /** One endpoint's transactions: begun in beforeDelivery, ended in afterDelivery, the XAResource enlisted. */
    private static final class FakeTransactions {
        private static final java.util.concurrent.ScheduledExecutorService LATE =
                Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread thread = new Thread(r, "late commits");
                    thread.setDaemon(true);
                    return thread;
                });
        private final XAResource enlisted;
        private final boolean lateCommits;
        private Xid xid;
        /** The commit of the last delivery, when it is late and has not reached the resource yet. */
        private Xid lateCommit;

        FakeTransactions(XAResource enlisted, boolean lateCommits) {
            this.enlisted = enlisted;
            this.lateCommits = lateCommits;
        }

        /** The late commit of the last delivery reaches the resource now, if it has not yet. */
        private void commitLate() {
            Xid committing;
            synchronized (this) {
                committing = lateCommit;
                lateCommit = null;
            }
            if (committing != null) {
                try {
                    enlisted.commit(committing, true);
                } catch (XAException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        void begin() throws XAException {
            ROLLBACK_ONLY.set(new boolean[1]);
            if (enlisted != null) {
                xid = new FakeXid();
                enlisted.start(xid, XAResource.TMNOFLAGS);
            }
        }

        /** The bean's method; an exception marks the transaction for rollback and reaches the caller, as an EJB's would. */
        void invoke(Runnable bean) {
            try {
                bean.run();
            } catch (RuntimeException e) {
                ROLLBACK_ONLY.get()[0] = true;
                throw new IllegalStateException("the bean threw (transaction rolled back)", e);
            }
        }

        void complete() throws XAException {
            boolean rollback = ROLLBACK_ONLY.get()[0];
            ROLLBACK_ONLY.remove();
            if (enlisted == null) {
                return;
            }
            enlisted.end(xid, rollback ? XAResource.TMFAIL : XAResource.TMSUCCESS);
            if (rollback) {
                enlisted.rollback(xid);
                commitLate();
            } else if (lateCommits) {
                synchronized (this) {
                    lateCommit = xid;
                }
                LATE.schedule(this::commitLate, 300, TimeUnit.MILLISECONDS);
            } else {
                enlisted.commit(xid, true);
            }
        }
    }

    private static final class FakeXid implements Xid {
        private static final AtomicInteger NEXT = new AtomicInteger();
        private final byte[] id = Integer.toString(NEXT.incrementAndGet()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        @Override
        public int getFormatId() {
            return 4711;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return id;
        }

        @Override
        public byte[] getBranchQualifier() {
            return new byte[] {1};
        }
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }
}
