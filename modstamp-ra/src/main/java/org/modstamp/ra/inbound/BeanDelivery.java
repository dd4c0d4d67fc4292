package org.modstamp.ra.inbound;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkAdapter;
import jakarta.resource.spi.work.WorkEvent;
import jakarta.resource.spi.work.WorkManager;

import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/**
 * The delivery of one bean's changes: a queue that a Work delivers to the bean one at a time, in order. The
 * client's loop only queues ({@link #enqueue}), so a slow bean never stalls the socket or another bean; while
 * the bean is busy, a newer change of an id replaces the queued one (the protocol's rule: intermediate values
 * may be skipped, the latest always arrives), so the queue never holds more than one change per id.
 *
 * <p>A delivery counts when the bean's transaction committed (learned through a {@link DeliveryOutcome}
 * enlisted in it) or, for a bean without a container transaction, when it returned without throwing. A
 * delivery that rolled back or threw is made again after a pause that doubles each time, unless a newer value
 * of the id came meanwhile, up to {@code maxRedeliveries} times. With {@code committed} (resume), the values
 * the bean committed are recorded, and flushed to disk at the end of each run of deliveries.
 *
 * <p>Once its queue is empty, a delivery Work waits {@link #LINGER} for the next change, with its endpoint,
 * before it ends: a bean that hears of changes often is not handed a new Work and endpoint for each (the
 * WorkManager's dispatch and the endpoint's creation are most of the time from a Signal to the bean).
 */
final class BeanDelivery {
    private static final Logger LOG = Logger.getLogger(BeanDelivery.class.getName());
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration FIRST_REDELIVERY = Duration.ofMillis(100);
    private static final Duration LONGEST_REDELIVERY = Duration.ofSeconds(10);
    private static final Duration STOP_WARNING_EVERY = Duration.ofSeconds(5);
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
    private final Timer timer;
    private final CommittedValues committed;
    /** Changes waiting for delivery, one per id; also the lock of the delivery state. */
    private final Map<String, ModstampChange> queue = new LinkedHashMap<>();
    /** The latest value heard of each id ("" for none): a failed delivery is retried only while it is current. */
    private final Map<String, String> latest = new HashMap<>();
    /** Failed deliveries of the current value of an id. */
    private final Map<String, Integer> failures = new HashMap<>();
    private final AtomicLong givenUp = new AtomicLong();
    private int delivering;
    private boolean deliveryScheduled;
    private volatile boolean stopped;

    /**
     * {@code bean} names the bean in the log; {@code committed} is null without resume.
     */
    BeanDelivery(MessageEndpointFactory factory, String bean, int maxRedeliveries, WorkManager workManager,
                 Timer timer, CommittedValues committed) {
        this.factory = factory;
        this.bean = bean;
        this.maxRedeliveries = maxRedeliveries;
        this.workManager = workManager;
        this.timer = timer;
        this.committed = committed;
    }

    /** Drops the queued changes and delivers nothing more; returns at once. */
    void beginStop() {
        stopped = true;
        synchronized (queue) {
            queue.clear();
            queue.notifyAll(); // a lingering Work ends now
        }
    }

    /**
     * Waits, without a limit, until no delivery runs: a bean still running when its deactivation returned
     * could act on an application that is gone. Logs a WARNING every few seconds while it waits.
     */
    void awaitStopped() {
        long started = System.nanoTime();
        boolean interrupted = false;
        synchronized (queue) {
            while (delivering > 0) {
                try {
                    queue.wait(STOP_WARNING_EVERY.toMillis());
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (delivering > 0) {
                    long waited = Duration.ofNanos(System.nanoTime() - started).toSeconds();
                    LOG.warning(() -> "modstamp: " + bean + " is still processing a change after " + waited
                            + " s; its deactivation waits for it");
                }
            }
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
        synchronized (queue) {
            if (stopped) {
                return;
            }
            String current = valueOrEmpty(change.value());
            if (!current.equals(latest.put(change.id(), current))) {
                failures.remove(change.id());
            }
            ModstampChange older = queue.remove(change.id());
            queue.put(change.id(), older == null ? change
                    : new ModstampChange(change.id(), change.value(), older.previousValue(), change.server(),
                    change.receivedAt()));
            LOG.fine(() -> "modstamp: queued " + change.id() + " = " + change.value() + " for " + bean);
            if (deliveryScheduled) {
                queue.notifyAll(); // a Work that lingers takes it
                return;
            }
            deliveryScheduled = true;
        }
        scheduleDelivery();
    }

    private static String valueOrEmpty(String value) {
        return value == null ? "" : value;
    }

    /**
     * Schedules the delivery Work. If the WorkManager refuses it (by an exception or, later, through the
     * WorkListener), scheduling is tried again a second later; the flag stays set meanwhile, so that no
     * second Work starts.
     */
    private void scheduleDelivery() {
        if (stopped) {
            synchronized (queue) {
                deliveryScheduled = false;
            }
            return;
        }
        DeliveryWork work = new DeliveryWork();
        try {
            workManager.scheduleWork(work, WorkManager.INDEFINITE, null, new WorkAdapter() {
                @Override
                public void workRejected(WorkEvent event) {
                    work.rejected(event.getException());
                }

                @Override
                public void workCompleted(WorkEvent event) {
                    if (event.getException() != null && !work.started.get()) {
                        work.rejected(event.getException()); // failed by the container before it ran
                    }
                }
            });
        } catch (Exception e) {
            work.rejected(e);
        }
    }

    private boolean later(Duration delay, Runnable task) {
        return AdapterTimer.later(timer, delay, task, bean, stopped);
    }

    /** The next queued change, or null when there is none (or the activation stopped). */
    private ModstampChange next() {
        synchronized (queue) {
            Iterator<ModstampChange> it = queue.values().iterator();
            if (stopped || !it.hasNext()) {
                return null;
            }
            ModstampChange change = it.next();
            it.remove();
            return change;
        }
    }

    /** A delivery Work ended, normally or not: schedule another if changes came meanwhile. */
    private void deliveryWorkEnded() {
        synchronized (queue) {
            delivering--;
            queue.notifyAll();
            if (stopped || queue.isEmpty()) {
                deliveryScheduled = false;
                return;
            }
        }
        scheduleDelivery();
    }

    /** The bean committed {@code change}. */
    private void delivered(ModstampChange change) {
        synchronized (queue) {
            failures.remove(change.id());
        }
        if (committed != null) {
            committed.record(change.id(), change.value());
        }
    }

    /**
     * The bean's transaction rolled back, or the bean threw: deliver the change again after a pause, unless a
     * newer value of the id came meanwhile, or give it up after {@code maxRedeliveries} attempts.
     */
    private void failed(ModstampChange change, Throwable thrown) {
        int attempts;
        synchronized (queue) {
            attempts = failures.merge(change.id(), 1, Integer::sum);
            if (attempts > maxRedeliveries) {
                failures.remove(change.id());
            }
        }
        if (attempts > maxRedeliveries) {
            long total = givenUp.incrementAndGet();
            LOG.log(Level.SEVERE, "modstamp: " + bean + " did not commit " + change.id() + " = " + change.value()
                    + " in " + attempts + (attempts == 1 ? " attempt" : " attempts") + "; giving it up (" + total
                    + " given up by this bean so far); the id is delivered again at its next change", thrown);
            return;
        }
        Duration pause = redeliveryPause(attempts);
        LOG.log(Level.WARNING, "modstamp: " + bean + " did not commit " + change.id() + " = " + change.value()
                + (thrown == null ? " (its transaction rolled back)" : "") + "; delivering it again in "
                + pause.toMillis() + " ms (attempt " + (attempts + 1) + " of " + (maxRedeliveries + 1)
                + ")", thrown);
        later(pause, () -> redeliver(change));
    }

    /** 100 ms after the first failure, doubling up to 10 s. */
    static Duration redeliveryPause(int failures) {
        long millis = FIRST_REDELIVERY.toMillis() << Math.min(failures - 1, 20);
        return Duration.ofMillis(Math.min(millis, LONGEST_REDELIVERY.toMillis()));
    }

    private void redeliver(ModstampChange change) {
        synchronized (queue) {
            if (stopped) {
                return;
            }
            if (queue.containsKey(change.id())
                    || !Objects.equals(latest.get(change.id()), valueOrEmpty(change.value()))) {
                LOG.fine(() -> "modstamp: not delivering " + change.id() + " = " + change.value() + " to " + bean
                        + " again: a newer value came");
                return;
            }
            queue.put(change.id(), change);
            if (deliveryScheduled) {
                return;
            }
            deliveryScheduled = true;
        }
        scheduleDelivery();
    }

    /**
     * Delivers queued changes to the bean, one at a time, until the queue is empty, through one endpoint
     * (created off the activation thread, released in the end whatever happens).
     */
    private final class DeliveryWork implements Work {
        private final AtomicBoolean rejected = new AtomicBoolean();
        private final AtomicBoolean started = new AtomicBoolean();
        private volatile boolean released;

        @Override
        public void run() {
            started.set(true);
            synchronized (queue) {
                delivering++;
            }
            try {
                deliverQueued();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "modstamp: delivering to " + bean + " failed; the queued changes are "
                        + "delivered by a new Work", e);
            } finally {
                if (committed != null) {
                    committed.flush();
                }
                deliveryWorkEnded();
            }
        }

        /**
         * The WorkManager refused or failed this Work before it ran (reported once, by an exception or its
         * listener): schedule a new one later.
         */
        void rejected(Exception reason) {
            if (!rejected.compareAndSet(false, true)) {
                return;
            }
            LOG.log(Level.WARNING, "modstamp: the WorkManager refused a delivery to " + bean
                    + "; retrying in " + RETRY.toMillis() + " ms", reason);
            if (!later(RETRY, BeanDelivery.this::scheduleDelivery)) {
                synchronized (queue) {
                    deliveryScheduled = false; // the next change tries again
                }
            }
        }

        private void deliverQueued() {
            boolean transacted = isDeliveryTransacted();
            DeliveryOutcome outcome = transacted ? new DeliveryOutcome() : null;
            MessageEndpoint endpoint = createEndpoint(outcome);
            if (endpoint == null) {
                return;
            }
            try {
                ModstampChange change = next();
                while (change != null) {
                    deliver(endpoint, outcome, change);
                    change = next();
                    if (change == null) {
                        if (committed != null) {
                            committed.flush(); // what was committed is on disk before the Work waits
                        }
                        change = nextWithin(LINGER);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the container stops the Work: the next change gets a new one
            } finally {
                endpoint.release();
            }
        }

        /** The next change queued within {@code linger}; null at once when the activation or the Work stops. */
        private ModstampChange nextWithin(Duration linger) throws InterruptedException {
            long deadline = System.nanoTime() + linger.toNanos();
            synchronized (queue) {
                for (long left = linger.toNanos(); queue.isEmpty() && !stopped && !released && left > 0;
                     left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(queue, left);
                }
            }
            return released ? null : next();
        }

        private boolean isDeliveryTransacted() {
            try {
                return factory.isDeliveryTransacted(ON_CHANGE);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("the bean has no onModstampChange method", e);
            }
        }

        /**
         * An endpoint, retried with a growing pause while the bean is not ready (the changes wait, one per
         * id); null once the activation stopped.
         */
        private MessageEndpoint createEndpoint(DeliveryOutcome outcome) {
            long pause = 100;
            while (!stopped) {
                try {
                    MessageEndpoint endpoint = factory.createEndpoint(outcome);
                    if (stopped) {
                        endpoint.release();
                        break;
                    }
                    return endpoint;
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "modstamp: no endpoint for " + bean + " yet; "
                            + "retrying in " + pause + " ms", e);
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    pause = Math.min(pause * 2, 5_000);
                }
            }
            return null;
        }

        /**
         * One delivery in the container's transaction (for a transacted bean): it counts when that transaction
         * committed, or, when the container did not enlist the outcome, when the bean did not throw.
         */
        private void deliver(MessageEndpoint endpoint, DeliveryOutcome outcome, ModstampChange change) {
            if (outcome != null) {
                outcome.reset();
            }
            Throwable thrown = null;
            try {
                endpoint.beforeDelivery(ON_CHANGE);
                try {
                    ((ModstampListener) endpoint).onModstampChange(change);
                } finally {
                    endpoint.afterDelivery();
                }
            } catch (Throwable e) {
                thrown = e;
            }
            DeliveryOutcome.Outcome result = outcome == null ? DeliveryOutcome.Outcome.UNKNOWN : outcome.outcome();
            boolean committedNow = result == DeliveryOutcome.Outcome.COMMITTED
                    || (result == DeliveryOutcome.Outcome.UNKNOWN && thrown == null);
            if (committedNow) {
                delivered(change);
            } else {
                failed(change, thrown);
            }
        }

        /** The container asks the Work to end: a lingering Work ends now (next() returns null once stopped). */
        @Override
        public void release() {
            released = true;
            synchronized (queue) {
                queue.notifyAll();
            }
        }
    }
}
