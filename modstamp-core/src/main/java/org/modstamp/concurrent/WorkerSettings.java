package org.modstamp.concurrent;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * How a worker runs: on {@code executor}, timed by {@code clock}; a run lingers {@code linger} with nothing
 * to do; a refused run is started again after {@code refusedRetry}; batches hold at most {@code maxBatch}
 * values; {@code backoff} paces retries of failed values and of runs whose start failed.
 */
public record WorkerSettings(Executor executor, WorkerClock clock, Backoff backoff, Duration linger,
                             Duration refusedRetry, int maxBatch) {
    public WorkerSettings {
        if (maxBatch < 1 || linger.isNegative() || refusedRetry.isNegative()) {
            throw new IllegalArgumentException("maxBatch must be at least 1, linger and refusedRetry not negative");
        }
    }
}
