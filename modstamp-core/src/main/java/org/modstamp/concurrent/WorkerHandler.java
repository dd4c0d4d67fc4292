package org.modstamp.concurrent;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** What a worker does with its values; called on the run's thread, never with the worker's lock held. */
public interface WorkerHandler<K, V> {
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
