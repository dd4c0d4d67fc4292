package org.modstamp.ee;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/** Where the pusher's tasks run: the container's managed executors (plain ones in unit tests). */
interface TaskRunner {
    /** Runs {@code task} on another thread; throws RejectedExecutionException when refused. */
    void run(Runnable task);

    /** Runs {@code task} after {@code delay}; throws RejectedExecutionException when refused. */
    void later(Duration delay, Runnable task);

    /** Runs {@code task} now, or, if the executor refuses it, after {@code retry} on the scheduler. */
    default void runOrRetry(Runnable task, Duration retry) throws RejectedExecutionException {
        try {
            run(task);
        } catch (RejectedExecutionException e) {
            later(retry, () -> runOrRetry(task, retry));
        }
    }
}
