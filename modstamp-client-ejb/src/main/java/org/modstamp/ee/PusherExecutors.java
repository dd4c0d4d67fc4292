package org.modstamp.ee;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.modstamp.concurrent.Backoff;
import org.modstamp.concurrent.WorkerClock;
import org.modstamp.concurrent.WorkerSettings;

/** Where the pusher's workers run: the container's managed executor, timed by its managed scheduler. */
record PusherExecutors(Executor executor, ScheduledExecutorService scheduler) {
    WorkerSettings settings(Backoff backoff, Duration linger, Duration refusedRetry, int maxBatch) {
        WorkerClock clock = WorkerClock.system((delay, task) -> scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS));
        return new WorkerSettings(executor, clock, backoff, linger, refusedRetry, maxBatch);
    }
}
