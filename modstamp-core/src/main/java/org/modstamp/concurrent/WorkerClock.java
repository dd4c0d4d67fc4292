package org.modstamp.concurrent;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The time as a {@link LatestValueWorker} sees it: a monotonic clock, timed waits (a run's park, a wait on a
 * condition), and a timer.
 * Tests give one whose time moves only when they say so, and whose waits return at once, so that linger,
 * backoff and retries are checked without sleeping.
 */
public interface WorkerClock {
    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits until {@code condition} is signalled or {@code nanos} passed; the caller holds its lock. */
    void await(Condition condition, long nanos) throws InterruptedException;

    /**
     * A run with nothing to do waits here, without the worker's lock, at most {@code nanos} or until
     * {@link #unpark}ed (a permit given before it parks counts: as {@link LockSupport#parkNanos}).
     */
    default void park(long nanos) {
        LockSupport.parkNanos(nanos);
    }

    /** Wakes {@code run}'s thread from {@link #park} (or makes its next park return at once). */
    default void unpark(Thread run) {
        LockSupport.unpark(run);
    }

    /** Runs {@code task} once, after {@code delay}, on another thread; throws RejectedExecutionException when it cannot. */
    void schedule(Duration delay, Runnable task);

    /**
     * The system's clock, with {@code timer} as the timer (a managed scheduled executor, the adapter's timer):
     * it must run the task after the delay or throw RejectedExecutionException.
     */
    static WorkerClock system(BiConsumer<Duration, Runnable> timer) {
        return new WorkerClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void await(Condition condition, long nanos) throws InterruptedException {
                condition.awaitNanos(nanos);
            }

            @Override
            public void schedule(Duration delay, Runnable task) {
                try {
                    timer.accept(delay, task);
                } catch (IllegalStateException e) { // java.util.Timer, once cancelled
                    throw new RejectedExecutionException(e.getMessage(), e);
                }
            }
        };
    }
}
