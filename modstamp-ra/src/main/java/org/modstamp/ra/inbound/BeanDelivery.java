package org.modstamp.ra.inbound;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.Timer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkAdapter;
import jakarta.resource.spi.work.WorkEvent;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import org.modstamp.concurrent.Backoff;
import org.modstamp.concurrent.LatestValueWorker;
import org.modstamp.concurrent.WorkerClock;
import org.modstamp.concurrent.WorkerHandler;
import org.modstamp.concurrent.WorkerSettings;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/**
 * The delivery of one bean's changes, on a {@link LatestValueWorker} whose runs are Works: the client's loop only
 * queues ({@link #enqueue}), so a slow bean never stalls the socket or another bean; while the bean is busy, a
 * newer change of an id replaces the queued one (the protocol's rule: intermediate values may be skipped, the
 * latest always arrives), so the queue never holds more than one change per id. Changes are delivered one at a
 * time, in order, through one endpoint per run.
 *
 * <p>A delivery counts when the bean's transaction committed (learned through a {@link DeliveryOutcome}
 * enlisted in it, per transaction) or, for a bean without a container transaction, when it returned without
 * throwing. A delivery that rolled back or threw is made again after 100 ms, doubling up to 10 s, unless a newer
 * value of the id came meanwhile, up to {@code maxRedeliveries} times: the failures of a value count for that
 * value only. With {@code committed} (resume), the values the bean committed are recorded, and flushed to disk
 * whenever the queue is empty.
 *
 * <p>Once its queue is empty, a delivery Work waits {@link #LINGER} for the next change, with its endpoint,
 * before it ends: a bean that hears of changes often is not handed a new Work and endpoint for each (the
 * WorkManager's dispatch and the endpoint's creation are most of the time from a Signal to the bean).
 */
final class BeanDelivery {
    private static final Logger LOG = Logger.getLogger(BeanDelivery.class.getName());
    private static final Duration RETRY = Duration.ofSeconds(1);
    static final Backoff REDELIVERY = new Backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(10));
    private static final Duration STOP_WARNING_EVERY = Duration.ofSeconds(5);
    /** How long a delivery waits for the outcome of its transaction after the bean returned (asynchronous commit). */
    private static final Duration OUTCOME_WAIT = Duration.ofSeconds(30);
    static final Duration LINGER = Duration.ofMillis(250);
    static final Method ON_CHANGE;

    static {
        try {
            ON_CHANGE = ModstampListener.class.getMethod("onModstampChange", ModstampChange.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MessageEndpointFactory factory;
    private final String bean;
    private final int maxRedeliveries;
    private final WorkManager workManager;
    private final CommittedValues committed;
    /** Run whenever the queue was emptied, before the committed values are written out. */
    private volatile Runnable caughtUp = () -> { };
    private final AtomicLong givenUp = new AtomicLong();
    private final LatestValueWorker<String, ModstampChange> worker;

    /**
     * {@code bean} names the bean in the log; {@code committed} is null without resume.
     */
    BeanDelivery(MessageEndpointFactory factory, String bean, int maxRedeliveries, WorkManager workManager,
                 Timer timer, CommittedValues committed) {
        this.factory = factory;
        this.bean = bean;
        this.maxRedeliveries = maxRedeliveries;
        this.workManager = workManager;
        this.committed = committed;
        WorkerClock clock = WorkerClock.system((delay, task) -> AdapterTimer.schedule(timer, delay, task, bean));
        this.worker = new LatestValueWorker<>(new Delivering(), BeanDelivery::merge,
                new WorkerSettings(this::schedule, clock, REDELIVERY, LINGER, RETRY, 1));
    }

    /**
     * A change that replaces a queued one keeps the older's previous value: the bean never saw the older. One
     * that replaces the change being delivered is queued as it is.
     */
    private static ModstampChange merge(ModstampChange queued, ModstampChange newer, boolean inFlight) {
        return inFlight ? newer
                : new ModstampChange(newer.id(), newer.value(), queued.previousValue(), newer.server(), newer.receivedAt(),
                        newer.revision(), newer.reset());
    }

    /** {@code hook} runs whenever the queue was emptied (on the delivery's thread), before the values are written. */
    void onCaughtUp(Runnable hook) {
        this.caughtUp = hook;
    }

    /** Whether no change is queued for the bean now (one being delivered may be). */
    boolean nothingQueued() {
        return worker.pendingKeys().isEmpty();
    }

    /** Whether nothing is queued or being delivered now. */
    boolean idle() {
        return worker.state() == LatestValueWorker.State.IDLE && nothingQueued();
    }

    /** Drops the queued changes and delivers nothing more; returns at once, whether it dropped any. */
    boolean beginStop() {
        return !worker.stop().isEmpty();
    }

    /**
     * Waits, without a limit, until no delivery runs: a bean still running when its deactivation returned
     * could act on an application that is gone. Logs a WARNING every few seconds while it waits.
     */
    void awaitStopped() {
        long started = System.nanoTime();
        boolean interrupted = false;
        while (true) {
            try {
                if (worker.awaitNotRunning(STOP_WARNING_EVERY)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            long waited = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            LOG.warning(() -> "modstamp: " + bean + " is still processing a change after " + waited
                    + " s; its deactivation waits for it");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (committed != null) {
            committed.flush();
        }
    }

    /** Called on the client's loop: queue, and make sure a delivery Work runs. */
    void enqueue(ModstampChange change) {
        worker.offer(change.id(), change);
        LOG.fine(() -> "modstamp: queued " + change.id() + " = " + change.value() + " for " + bean);
    }

    /** The worker's executor: each run is a Work; a refusal, at once or later through the listener, is reported. */
    private void schedule(Runnable run) {
        DeliveryWork work = new DeliveryWork(run);
        try {
            workManager.scheduleWork(work, WorkManager.INDEFINITE, null, new WorkAdapter() {
                @Override
                public void workRejected(WorkEvent event) {
                    rejected(event.getException());
                }

                @Override
                public void workCompleted(WorkEvent event) {
                    if (event.getException() != null && !work.started.get()) {
                        rejected(event.getException()); // failed by the container before it ran
                    }
                }
            });
        } catch (WorkException | RuntimeException e) {
            LOG.log(Level.WARNING, "modstamp: the WorkManager refused a delivery to " + bean + "; retrying in "
                    + RETRY.toMillis() + " ms", e);
            throw new RejectedExecutionException(e);
        }
    }

    private void rejected(Exception reason) {
        LOG.log(Level.WARNING, "modstamp: the WorkManager refused a delivery to " + bean + "; retrying in "
                + RETRY.toMillis() + " ms", reason);
        worker.runRejected(reason);
    }

    /** One run of the worker, as the container's Work. */
    private final class DeliveryWork implements Work {
        private final Runnable run;
        private final AtomicBoolean started = new AtomicBoolean();

        DeliveryWork(Runnable run) {
            this.run = run;
        }

        @Override
        public void run() {
            started.set(true);
            run.run();
        }

        /** The container asks the Work to end: a lingering run ends now. */
        @Override
        public void release() {
            worker.cutLinger();
        }
    }

    /** The deliveries of one run, through one endpoint (created off the activation thread, released in the end). */
    private final class Delivering implements WorkerHandler<String, ModstampChange> {
        private MessageEndpoint endpoint;
        private DeliveryOutcome outcome;

        @Override
        public void runStarted() throws Exception {
            boolean transacted;
            try {
                transacted = factory.isDeliveryTransacted(ON_CHANGE);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("the bean has no onModstampChange method", e);
            }
            outcome = transacted ? new DeliveryOutcome() : null;
            try {
                endpoint = factory.createEndpoint(outcome);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "modstamp: no endpoint for " + bean + " yet; retrying", e);
                throw e;
            }
        }

        @Override
        public void caughtUp() {
            caughtUp.run();
            if (committed != null) {
                committed.flush(); // what was committed is on disk before the Work waits
            }
        }

        @Override
        public void runEnded() {
            endpoint.release();
            endpoint = null;
            caughtUp.run();
            if (committed != null) {
                committed.flush();
            }
        }

        /**
         * One delivery in the container's transaction (for a transacted bean): it counts when that transaction
         * committed, or, when the container did not enlist the outcome, when the bean did not throw.
         */
        @Override
        public Set<String> handle(Map<String, ModstampChange> batch) throws Exception {
            ModstampChange change = batch.values().iterator().next();
            DeliveryStages stages = new DeliveryStages(change);
            DeliveryOutcome.Attempt attempt = outcome == null ? null : outcome.begin();
            Throwable thrown = null;
            try {
                endpoint.beforeDelivery(ON_CHANGE);
                stages.begun();
                try {
                    ((ModstampListener) endpoint).onModstampChange(change);
                } finally {
                    stages.beanReturned();
                    endpoint.afterDelivery();
                    stages.completed();
                }
            } catch (Throwable e) {
                thrown = e;
            }
            DeliveryOutcome.Outcome result = attempt == null ? DeliveryOutcome.Outcome.UNKNOWN : attempt.await(OUTCOME_WAIT);
            stages.log(LOG, bean, result);
            if (attempt != null && result == DeliveryOutcome.Outcome.UNKNOWN) {
                outcome.abandon(attempt);
            }
            if (result == DeliveryOutcome.Outcome.COMMITTED || (result == DeliveryOutcome.Outcome.UNKNOWN && thrown == null
                    && (attempt == null || !attempt.enlisted()))) {
                if (committed != null && change.revision() < 0) { // under a watched prefix: its position is kept
                    committed.record(change.id(), change.value());
                }
                return batch.keySet();
            }
            if (thrown == null) {
                return Set.of(); // its transaction rolled back
            }
            throw thrown instanceof Exception e ? e : new ExecutionException(thrown);
        }

        /**
         * The bean's transaction rolled back, or the bean threw: deliver the change again after a pause, unless a
         * newer value of the id came meanwhile, or give it up after {@code maxRedeliveries} attempts.
         */
        @Override
        public boolean retry(String id, ModstampChange change, int failures, Exception thrown, Duration pause) {
            if (failures > maxRedeliveries && !change.reset()) { // a reset has no next change: never given up
                long total = givenUp.incrementAndGet();
                LOG.log(Level.SEVERE, "modstamp: " + bean + " did not commit " + id + " = " + change.value() + " in "
                        + failures + (failures == 1 ? " attempt" : " attempts") + "; giving it up (" + total
                        + " given up by this bean so far); the id is delivered again at its next change", thrown);
                return false;
            }
            LOG.log(Level.WARNING, "modstamp: " + bean + " did not commit " + id + " = " + change.value()
                    + (thrown == null ? " (its transaction rolled back)" : "") + "; delivering it again in "
                    + pause.toMillis() + " ms (attempt " + (failures + 1) + " of " + (maxRedeliveries + 1) + ")", thrown);
            return true;
        }

        @Override
        public void overtaken(String id, ModstampChange change) {
            LOG.fine(() -> "modstamp: not delivering " + id + " = " + change.value() + " to " + bean
                    + " again: a newer value came");
        }

        @Override
        public void cannotRun(RuntimeException cause) {
            LOG.log(Level.SEVERE, "modstamp: the adapter's timer is stopped; " + bean + " cannot schedule a retry", cause);
        }
    }
}
