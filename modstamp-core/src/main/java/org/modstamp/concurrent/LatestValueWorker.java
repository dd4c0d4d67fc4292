package org.modstamp.concurrent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The newest pending value per key, handled by one run at a time on an executor: the adapter's deliveries to
 * a bean, the pusher's hand-off and each of its targets are built on it.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li><b>Latest value.</b> {@link #offer} keeps one value per key: when a key has a value pending, {@link Merge}
 *   decides which of the two (or which combination) stays. Keys are handled in the order they were last
 *   replaced.</li>
 * <li><b>One run at a time.</b> At most one run (a task on the executor, or the caller of {@link #drain}) takes
 *   batches of ready values and passes them to {@link Handler#handle}; a key is never in two batches at once.
 *   A run ends once nothing was ready for {@code linger}, so frequent offers are not each handed to the
 *   executor.</li>
 * <li><b>Retries per value.</b> A value its batch did not finish failed: it is tried again after
 *   {@link Backoff#after} its own failures, unless a newer value of its key came meanwhile (the failure then
 *   counts for nothing) or {@link Handler#retry} gives it up. A new value starts with no failures.</li>
 * <li><b>Nothing lost.</b> A value handed to {@link #offer} stays until it is handled, given up, replaced, or
 *   the worker is stopped or drained: when the executor refuses a run (by throwing RejectedExecutionException,
 *   or later through {@link #runRejected}) the run is started again after {@code refusedRetry} on the clock's
 *   timer; only when the timer refuses too does it wait for the next offer ({@link Handler#cannotRun}).</li>
 * </ul>
 * The one rule for handlers: {@link Handler#handle} returns the keys it finished, and never blocks without a
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

    /** What a worker does with its values; called on the run's thread, never with the worker's lock held. */
    public interface Handler<K, V> {
        /**
         * Handles a batch (ready values in order, at most {@code maxBatch}); returns the keys it finished.
         * The others failed; so do all when it throws, with the exception as their cause.
         */
        Set<K> handle(Map<K, V> batch) throws Exception;

        /**
         * Whether to try {@code value} again, after its {@code failures}-th failure, in {@code pause};
         * false gives it up. {@code cause} is null when the handler did not throw.
         */
        boolean retry(K key, V value, int failures, Exception cause, Duration pause);

        /** {@code value} failed, but a newer value of its key came meanwhile: it is not tried again. */
        default void overtaken(K key, V value) {
        }

        /** A run starts: opens what its batches share (an endpoint); a failure ends the run and backs off. */
        default void runStarted() throws Exception {
        }

        /** Nothing is ready now: the run is about to linger (flush what the batches recorded). */
        default void caughtUp() {
        }

        /** A run whose {@link #runStarted} succeeded ends. */
        default void runEnded() {
        }

        /** Neither the executor nor the timer takes a run now: what is pending waits for the next offer. */
        default void cannotRun(RuntimeException cause) {
        }
    }

    /** Which value a key keeps when a value is offered while another is pending. */
    @FunctionalInterface
    public interface Merge<V> {
        /**
         * The value to keep: {@code offered}, {@code pending}, or a new one made of both. {@code inFlight} says
         * that {@code pending} is in the batch being handled now (the handler may already act on it).
         */
        V merge(V pending, V offered, boolean inFlight);

        /** The offered value always wins. */
        static <V> Merge<V> newest() {
            return (pending, offered, inFlight) -> offered;
        }
    }

    /**
     * How a worker runs: on {@code executor}, timed by {@code clock}; a run lingers {@code linger} with nothing
     * to do; a refused run is started again after {@code refusedRetry}; batches hold at most {@code maxBatch}
     * values; {@code backoff} paces retries of failed values and of runs whose start failed.
     */
    public record Settings(Executor executor, WorkerClock clock, Backoff backoff, Duration linger, Duration refusedRetry,
                           int maxBatch) {
        public Settings {
            if (maxBatch < 1 || linger.isNegative() || refusedRetry.isNegative()) {
                throw new IllegalArgumentException("maxBatch must be at least 1, linger and refusedRetry not negative");
            }
        }
    }

    private static final class Entry<V> {
        final V value;
        int failures;
        long notBefore;
        boolean inFlight;

        Entry(V value, long now) {
            this.value = value;
            this.notBefore = now;
        }
    }

    private final Handler<K, V> handler;
    private final Merge<V> merge;
    private final Settings settings;
    private final WorkerClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<K, Entry<V>> pending = new LinkedHashMap<>();
    private State state = State.IDLE;
    /** Increases each time a timer is set or given up: a timer that fires with an older number does nothing. */
    private long timers;
    /** Consecutive runs whose {@link Handler#runStarted} failed. */
    private int runFailures;
    /** WAITING after a refused or failed run (a new offer waits for the timer too), not for a value's retry. */
    private boolean backingOff;
    private boolean stopping;
    private boolean draining;
    private long drainUntil;
    /** Set by {@link #cutLinger}: the current run ends as soon as nothing is ready. */
    private boolean lingerCut;

    public LatestValueWorker(Handler<K, V> handler, Merge<V> merge, Settings settings) {
        this.handler = handler;
        this.merge = merge;
        this.settings = settings;
        this.clock = settings.clock();
    }

    /**
     * Hands over a value; returns at once. Returns true when the key had a value pending already (one of the
     * two was superseded, or both merged); false when it had none, or the worker is stopped (nothing kept).
     */
    public boolean offer(K key, V value) {
        boolean hadOne;
        boolean start;
        lock.lock();
        try {
            if (stopping || draining) {
                return false;
            }
            Entry<V> current = pending.get(key);
            hadOne = current != null;
            V kept = current == null ? value : merge.merge(current.value, value, current.inFlight);
            if (current == null || kept != current.value) {
                pending.remove(key);
                pending.put(key, new Entry<>(kept, clock.nanoTime()));
            }
            start = wake();
        } finally {
            lock.unlock();
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
            case RUNNING -> changed.signalAll();
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
            lock.lock();
            try {
                if (state == State.WAITING && timers == timer) {
                    state = State.IDLE;
                }
            } finally {
                lock.unlock();
            }
            handler.cannotRun(e);
        }
    }

    private void timerFired(long timer) {
        lock.lock();
        try {
            if (state != State.WAITING || timers != timer) {
                return;
            }
            state = State.STARTING;
        } finally {
            lock.unlock();
        }
        start();
    }

    /** The executor runs this: a run, unless the worker stopped or a drain took over meanwhile. */
    private void run() {
        lock.lock();
        try {
            if (state != State.STARTING) {
                return;
            }
            state = State.RUNNING;
            lingerCut = false;
        } finally {
            lock.unlock();
        }
        runBatches();
    }

    /** Takes and handles batches until nothing is ready for the linger; the caller set the state to RUNNING. */
    private void runBatches() {
        boolean started = false;
        boolean interrupted = false;
        try {
            handler.runStarted();
            started = true;
            lock.lock();
            try {
                runFailures = 0;
            } finally {
                lock.unlock();
            }
            for (Map<K, V> batch = nextBatch(); batch != null; batch = nextBatch()) {
                handle(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the executor stops the run: what is pending goes on later
            interrupted = true;
        } catch (Exception e) { // from runStarted
            lock.lock();
            try {
                runFailures++;
            } finally {
                lock.unlock();
            }
        } finally {
            if (started) {
                handler.runEnded();
            }
            ended(interrupted);
        }
    }

    private void handle(Map<K, V> batch) {
        Set<K> done;
        Exception cause = null;
        try {
            done = handler.handle(batch);
        } catch (Exception e) {
            done = Set.of();
            cause = e;
        } catch (Error e) {
            settle(batch, Set.of(), null);
            throw e;
        }
        settle(batch, done, cause);
    }

    /**
     * The next batch, or null when the run ends: nothing was ready for the linger, the linger was cut, the
     * worker stops, or the drain's time is up. Tells the handler once that it caught up before lingering.
     */
    private Map<K, V> nextBatch() throws InterruptedException {
        boolean toldCaughtUp = false;
        long lingerUntil = 0;
        while (true) {
            lock.lock();
            try {
                long now = clock.nanoTime();
                if (stopping || (draining && now - drainUntil >= 0)) {
                    return null;
                }
                Map<K, V> batch = ready(now);
                if (!batch.isEmpty()) {
                    return batch;
                }
                if (toldCaughtUp) {
                    long wait = waitFor(now, lingerUntil);
                    if (wait <= 0) {
                        return null;
                    }
                    clock.await(changed, wait);
                    continue;
                }
                lingerUntil = now + settings.linger().toNanos();
            } finally {
                lock.unlock();
            }
            handler.caughtUp();
            toldCaughtUp = true;
        }
    }

    /** How long a run with nothing ready waits (the caller holds the lock); 0 or less: the run ends. */
    private long waitFor(long now, long lingerUntil) {
        long earliest = earliestRetry(now);
        if (draining) {
            return pending.isEmpty() ? 0 : Math.min(earliest, drainUntil) - now;
        }
        if (lingerCut) {
            return 0;
        }
        return (pending.isEmpty() ? lingerUntil : Math.min(earliest, lingerUntil)) - now;
    }

    /** When the next pending value is due (the caller holds the lock); {@code now + 1 day} when none is. */
    private long earliestRetry(long now) {
        long earliest = now + Duration.ofDays(1).toNanos();
        for (Entry<V> entry : pending.values()) {
            if (entry.notBefore - earliest < 0) {
                earliest = entry.notBefore;
            }
        }
        return earliest;
    }

    /** The values due now, in order, marked in flight (the caller holds the lock). */
    private Map<K, V> ready(long now) {
        Map<K, V> batch = new LinkedHashMap<>();
        for (Iterator<Map.Entry<K, Entry<V>>> it = pending.entrySet().iterator();
             it.hasNext() && batch.size() < settings.maxBatch(); ) {
            Map.Entry<K, Entry<V>> e = it.next();
            Entry<V> entry = e.getValue();
            if (!entry.inFlight && entry.notBefore - now <= 0) {
                entry.inFlight = true;
                batch.put(e.getKey(), entry.value);
            }
        }
        return batch;
    }

    /**
     * Removes what the batch finished and counts a failure against each other value that is still the
     * pending one of its key (a newer value makes the older's outcome irrelevant).
     */
    private void settle(Map<K, V> batch, Set<K> done, Exception cause) {
        record Failed<K, V>(K key, V value, int failures) {
        }
        List<Failed<K, V>> failed = new ArrayList<>();
        List<K> overtaken = new ArrayList<>();
        lock.lock();
        try {
            batch.forEach((key, value) -> {
                Entry<V> entry = pending.get(key);
                if (entry == null || entry.value != value) {
                    if (entry != null && !done.contains(key)) {
                        overtaken.add(key);
                    }
                    return;
                }
                entry.inFlight = false;
                if (done.contains(key)) {
                    pending.remove(key);
                } else {
                    failed.add(new Failed<>(key, value, ++entry.failures));
                }
            });
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        overtaken.forEach(key -> handler.overtaken(key, batch.get(key)));
        for (Failed<K, V> f : failed) {
            Duration pause = settings.backoff().after(f.failures());
            boolean again = handler.retry(f.key(), f.value(), f.failures(), cause, pause);
            lock.lock();
            try {
                Entry<V> entry = pending.get(f.key());
                if (entry != null && entry.value == f.value() && entry.failures == f.failures()) {
                    if (again) {
                        entry.notBefore = clock.nanoTime() + pause.toNanos();
                    } else {
                        pending.remove(f.key());
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** A run ended: idle, stopped, or the next run now or on the timer when values wait. */
    private void ended(boolean interrupted) {
        boolean startNow = false;
        long timer = 0;
        Duration delay = Duration.ZERO;
        lock.lock();
        try {
            changed.signalAll();
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
                    : Duration.ofNanos(Math.max(0, earliestRetry(now) - now));
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
        lock.lock();
        try {
            lingerCut = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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
            changed.signalAll();
            here = state != State.RUNNING && state != State.STOPPED && !pending.isEmpty();
            if (here) {
                state = State.RUNNING;
                timers++;
            }
        } finally {
            lock.unlock();
        }
        if (here) {
            runBatches();
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
        lock.lock();
        try {
            return stopLocked();
        } finally {
            lock.unlock();
        }
    }

    private Map<K, V> stopLocked() {
        stopping = true;
        Map<K, V> left = new LinkedHashMap<>();
        pending.forEach((key, entry) -> left.put(key, entry.value));
        pending.clear();
        if (state != State.RUNNING) {
            state = State.STOPPED;
        }
        timers++;
        changed.signalAll();
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
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** The keys with a value pending (in flight, waiting, or due), in order. */
    public Set<K> pendingKeys() {
        lock.lock();
        try {
            return Collections.unmodifiableSet(new LinkedHashSet<>(pending.keySet()));
        } finally {
            lock.unlock();
        }
    }
}
