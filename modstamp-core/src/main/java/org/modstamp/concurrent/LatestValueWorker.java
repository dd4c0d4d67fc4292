package org.modstamp.concurrent;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The newest pending value per key, handled by one run at a time on an executor: the adapter's deliveries to
 * a bean, the pusher's hand-off and each of its targets are built on it.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li><b>Latest value.</b> {@link #offer} keeps one value per key: when a key has a value pending, {@link ValueMerge}
 *   decides which of the two (or which combination) stays. Keys are handled in the order they were last
 *   replaced.</li>
 * <li><b>One run at a time.</b> At most one run (a task on the executor, or the caller of {@link #drain}) takes
 *   batches of ready values and passes them to {@link WorkerHandler#handle}; a key is never in two batches at once.
 *   A run ends once nothing was ready for {@code linger}, so frequent offers are not each handed to the
 *   executor.</li>
 * <li><b>Retries per value.</b> A value its batch did not finish failed: it is tried again after
 *   {@link Backoff#after} its own failures, unless a newer value of its key came meanwhile (the failure then
 *   counts for nothing) or {@link WorkerHandler#retry} gives it up. A new value starts with no failures.</li>
 * <li><b>Nothing lost.</b> A value handed to {@link #offer} stays until it is handled, given up, replaced, or
 *   the worker is stopped or drained: when the executor refuses a run (by throwing RejectedExecutionException,
 *   or later through {@link #runRejected}) the run is started again after {@code refusedRetry} on the clock's
 *   timer; only when the timer refuses too does it wait for the next offer ({@link WorkerHandler#cannotRun}).</li>
 * </ul>
 * The one rule for handlers: {@link WorkerHandler#handle} returns the keys it finished, and never blocks without a
 * limit. Handlers are called without the worker's lock held, so they may offer to this or another worker.
 *
 * <p>State: {@link State#IDLE} (nothing to do), {@link State#STARTING} (a run handed to the executor),
 * {@link State#RUNNING}, {@link State#WAITING} (a run is due on the timer, after a backoff or a refusal),
 * {@link State#STOPPED}.
 *
 * @param <K> the key (an id)
 * @param <V> the value; compared by identity when a batch is settled
 */
public final class LatestValueWorker<K, V> {
    /** Where a worker is: see the class comment. */
    public enum State { IDLE, STARTING, RUNNING, WAITING, STOPPED }

    /**
     * What an offered value met: no value of its key ({@code NEW}); one no batch had taken yet, now replaced by
     * the merge of the two ({@code OVER_PENDING}: the pending one will never be handled); one being handled now,
     * to be followed by the merge ({@code OVER_IN_FLIGHT}); a value the merge kept as it is, pending or in flight,
     * so that the offered one is dropped ({@code KEPT}: an older or the same value, such as one offered again); or
     * a stopped worker, which keeps nothing ({@code REFUSED}).
     */
    public enum Offered { NEW, OVER_PENDING, OVER_IN_FLIGHT, KEPT, REFUSED }

    final WorkerHandler<K, V> handler;
    private final ValueMerge<V> merge;
    final WorkerSettings settings;
    final WorkerClock clock;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    final PendingValues<K, V> pending = new PendingValues<>();
    private State state = State.IDLE;
    /** Increases each time a timer is set or given up: a timer that fires with an older number does nothing. */
    private long timers;
    /** Consecutive runs whose {@link WorkerHandler#runStarted} failed. */
    int runFailures;
    /** WAITING after a refused or failed run (a new offer waits for the timer too), not for a value's retry. */
    private boolean backingOff;
    boolean stopping;
    boolean draining;
    long drainUntil;
    /** The run's thread while it waits for a value (parked), else null. */
    Thread parked;
    /** Set by {@link #cutLinger}: the current run ends as soon as nothing is ready. */
    boolean lingerCut;

    public LatestValueWorker(WorkerHandler<K, V> handler, ValueMerge<V> merge, WorkerSettings settings) {
        this.handler = handler;
        this.merge = merge;
        this.settings = settings;
        this.clock = settings.clock();
    }

    /** Hands over a value; returns at once, saying what the value met. */
    public Offered offer(K key, V value) {
        Offered hadOne;
        boolean start = false;
        Thread waiting = null;
        lock.lock();
        try {
            if (stopping || draining) {
                return Offered.REFUSED;
            }
            hadOne = pending.offer(key, value, merge, clock.nanoTime());
            if (state == State.RUNNING) {
                waiting = parked; // woken after the lock is released: the offering thread never hands it over
                parked = null;
            } else {
                start = wake();
            }
        } finally {
            lock.unlock();
        }
        if (waiting != null) {
            clock.unpark(waiting);
        }
        if (start) {
            start();
        }
        return hadOne;
    }

    /** A value is ready now (the caller holds the lock): true when the caller must start a run. */
    private boolean wake() {
        switch (state) {
            case IDLE -> {
                state = State.STARTING;
                return true;
            }
            case WAITING -> {
                if (backingOff) {
                    return false;
                }
                state = State.STARTING;
                timers++;
                return true;
            }
            default -> {
            }
        }
        return false;
    }

    private void start() {
        try {
            settings.executor().execute(this::run);
        } catch (RejectedExecutionException e) {
            runRejected(e);
        }
    }

    /**
     * The executor accepted a run and then dropped it without running it (a WorkManager's workRejected): it is
     * started again after {@code refusedRetry}. Does nothing when a run has started meanwhile.
     */
    public void runRejected(Throwable cause) {
        long timer;
        lock.lock();
        try {
            if (state != State.STARTING) {
                return;
            }
            state = State.WAITING;
            backingOff = true;
            timer = ++timers;
        } finally {
            lock.unlock();
        }
        later(settings.refusedRetry(), timer);
    }

    /** Starts a run after {@code delay} on the timer; if the timer refuses, the next offer starts it. */
    private void later(Duration delay, long timer) {
        try {
            clock.schedule(delay, () -> timerFired(timer));
        } catch (RejectedExecutionException e) {
            withLock(() -> {
                if (state == State.WAITING && timers == timer) {
                    state = State.IDLE;
                }
            });
            handler.cannotRun(e);
        }
    }

    private void timerFired(long timer) {
        if (underLock(() -> moveTo(State.STARTING, state == State.WAITING && timers == timer))) {
            start();
        }
    }

    /** Moves to {@code next} if {@code allowed}, which it returns (the caller holds the lock). */
    private boolean moveTo(State next, boolean allowed) {
        if (allowed) {
            state = next;
        }
        return allowed;
    }

    /** The executor runs this: a run, unless the worker stopped or a drain took over meanwhile. */
    private void run() {
        if (underLock(this::startRunning)) {
            new WorkerRun<>(this).run();
        }
    }

    private boolean startRunning() {
        if (!moveTo(State.RUNNING, state == State.STARTING)) {
            return false;
        }
        lingerCut = false;
        return true;
    }

    /** A run ended: idle, stopped, or the next run now or on the timer when values wait. */
    void ended(boolean interrupted) {
        boolean startNow = false;
        long timer = 0;
        Duration delay = Duration.ZERO;
        lock.lock();
        try {
            wakeAll();
            if (stopping) {
                state = State.STOPPED;
                return;
            }
            if (pending.isEmpty() || draining) {
                state = State.IDLE;
                return;
            }
            long now = clock.nanoTime();
            delay = runFailures > 0 ? settings.backoff().after(runFailures)
                    : Duration.ofNanos(Math.max(0, pending.earliest(now + Duration.ofDays(1).toNanos()) - now));
            if (interrupted && delay.compareTo(settings.refusedRetry()) < 0) {
                delay = settings.refusedRetry();
            }
            if (delay.isZero()) {
                state = State.STARTING;
                startNow = true;
            } else {
                state = State.WAITING;
                backingOff = runFailures > 0 || interrupted;
                timer = ++timers;
            }
        } finally {
            lock.unlock();
        }
        if (startNow) {
            start();
        } else if (timer != 0) {
            later(delay, timer);
        }
    }

    /** The current run ends as soon as nothing is ready, without lingering (its container asks it to end). */
    public void cutLinger() {
        withLock(() -> {
            lingerCut = true;
            wakeAll();
        });
    }

    /**
     * For a shutdown: handles what is pending until it is done or {@code untilNanos} (the clock's time)
     * passed, on the caller's thread when no run is going on (the executor may be stopping already); then
     * stops the worker and returns what was left, in order.
     */
    public Map<K, V> drain(long untilNanos) throws InterruptedException {
        boolean here;
        lock.lock();
        try {
            draining = true;
            drainUntil = untilNanos;
            wakeAll();
            here = state != State.RUNNING && state != State.STOPPED && !pending.isEmpty();
            if (here) {
                state = State.RUNNING;
                timers++;
            }
        } finally {
            lock.unlock();
        }
        if (here) {
            new WorkerRun<>(this).run();
        }
        lock.lock();
        try {
            for (long left; state == State.RUNNING && (left = untilNanos - clock.nanoTime()) > 0; ) {
                clock.await(changed, left);
            }
            return stopLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is pending and takes nothing more; returns at once (a run ends after its batch). */
    public Map<K, V> stop() {
        return underLock(this::stopLocked);
    }

    private Map<K, V> stopLocked() {
        stopping = true;
        Map<K, V> left = pending.clear();
        if (state != State.RUNNING) {
            state = State.STOPPED;
        }
        timers++;
        wakeAll();
        return left;
    }

    /** Waits at most {@code timeout} until no run is going on; true if none is. */
    public boolean awaitNotRunning(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long until = clock.nanoTime() + timeout.toNanos();
            for (long left; state == State.RUNNING && (left = until - clock.nanoTime()) > 0; ) {
                clock.await(changed, left);
            }
            return state != State.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    public State state() {
        return underLock(() -> state);
    }

    /** The keys with a value pending (in flight, waiting, or due), in order. */
    public Set<K> pendingKeys() {
        return underLock(() -> Collections.unmodifiableSet(new LinkedHashSet<>(pending.keys())));
    }

    /** Wakes whoever waits: a parked run and the waiters on the condition (the caller holds the lock). */
    private void wakeAll() {
        changed.signalAll();
        if (parked != null) {
            clock.unpark(parked);
            parked = null;
        }
    }

    void withLock(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    private <T> T underLock(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
