package org.modstamp.concurrent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;

/**
 * A worker's clock whose time moves only when the test (or a wait) moves it: a wait returns at once, as if its
 * whole time had passed, unless {@link #onWait} offers something first; timers run when {@link #advance} passes them.
 */
final class ManualClock implements WorkerClock {
    private record Timer(long due, Runnable task) {
    }

    private long now = 1_000_000_000L;
    private final List<Timer> timers = new ArrayList<>();
    private Runnable onWait;
    boolean refusing;

    @Override
    public long nanoTime() {
        return now;
    }

    /** The next wait runs {@code action} (which may offer) instead of letting time pass. */
    void onWait(Runnable action) {
        onWait = action;
    }

    @Override
    public void await(Condition condition, long nanos) {
        park(nanos);
    }

    @Override
    public void unpark(Thread run) {
        // one thread: nothing is parked while another runs
    }

    @Override
    public void park(long nanos) {
        Runnable action = onWait;
        if (action != null) {
            onWait = null;
            action.run();
            return;
        }
        now += nanos;
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
        if (refusing) {
            throw new RejectedExecutionException("the timer refuses for the test");
        }
        timers.add(new Timer(now + delay.toNanos(), task));
    }

    /** Moves the time on, running each timer that comes due, in order. */
    void advance(Duration by) {
        long until = now + by.toNanos();
        while (true) {
            Timer next = timers.stream().filter(t -> t.due() - until <= 0).min(Comparator.comparingLong(Timer::due)).orElse(null);
            if (next == null) {
                break;
            }
            timers.remove(next);
            now = Math.max(now, next.due());
            next.task().run();
        }
        now = until;
    }

    int timersSet() {
        return timers.size();
    }

    Duration elapsedSince(long start) {
        return Duration.ofNanos(now - start);
    }
}
