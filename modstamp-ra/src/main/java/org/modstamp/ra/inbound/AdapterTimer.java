package org.modstamp.ra.inbound;

import java.time.Duration;
import java.util.Timer;
import java.util.TimerTask;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Retries on the adapter's one timer: a task that throws cannot end the timer, and a stopped timer is logged. */
final class AdapterTimer {
    private static final Logger LOG = Logger.getLogger(AdapterTimer.class.getName());

    private AdapterTimer() {
    }

    /**
     * Runs {@code task} after {@code delay} on {@code timer}, logging (and swallowing) what it throws; throws
     * IllegalStateException once the timer is gone.
     */
    static void schedule(Timer timer, Duration delay, Runnable task, String bean) {
        timer.schedule(new TimerTask() {
            @Override
            public void run() {
                try {
                    task.run();
                } catch (RuntimeException e) { // a TimerTask that throws would end the adapter's timer
                    LOG.log(Level.SEVERE, "modstamp: a scheduled task of " + bean + " failed", e);
                }
            }
        }, delay.toMillis());
    }

    /**
     * Runs {@code task} after {@code delay} on {@code timer}; false (and nothing runs) once the timer is gone,
     * logged at FINE when {@code stopping} (the bean is being deactivated), else at SEVERE.
     */
    static boolean later(Timer timer, Duration delay, Runnable task, String bean, boolean stopping) {
        try {
            schedule(timer, delay, task, bean);
            return true;
        } catch (IllegalStateException e) {
            LOG.log(stopping ? Level.FINE : Level.SEVERE, "modstamp: the adapter's timer is stopped; " + bean
                    + " cannot schedule a retry", e);
            return false;
        }
    }
}
