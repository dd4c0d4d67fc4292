package org.modstamp.concurrent;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** An executor that runs its tasks when the test says so, on the test's thread; it can refuse them. */
final class ManualExecutor implements Executor {
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    int refusals;

    @Override
    public void execute(Runnable task) {
        if (refusals > 0) {
            refusals--;
            throw new RejectedExecutionException("refused for the test");
        }
        tasks.add(task);
    }

    int queued() {
        return tasks.size();
    }

    /** Runs the tasks queued, and those they queue, until none is left; returns how many ran. */
    int runAll() {
        int ran = 0;
        for (Runnable task; (task = tasks.poll()) != null; ran++) {
            task.run();
        }
        return ran;
    }

    /** Takes the next task without running it (an executor that drops it). */
    Runnable take() {
        return tasks.poll();
    }
}
