package org.modstamp.concurrent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of a {@link LatestValueWorker}, on the executor's thread or on the caller of a drain: it takes
 * batches of ready values, hands them to the handler and settles their outcomes, until nothing is ready for the
 * linger. The worker's state says RUNNING meanwhile; its lock guards every field read here.
 */
final class WorkerRun<K, V> {
    private final LatestValueWorker<K, V> worker;

    WorkerRun(LatestValueWorker<K, V> worker) {
        this.worker = worker;
    }

    /** Takes and handles batches until nothing is ready for the linger; the caller set the state to RUNNING. */
    void run() {
        boolean started = false;
        boolean interrupted = false;
        try {
            worker.handler.runStarted();
            started = true;
            worker.withLock(() -> worker.runFailures = 0);
            for (Map<K, V> batch = nextBatch(); batch != null; batch = nextBatch()) {
                handle(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the executor stops the run: what is pending goes on later
            interrupted = true;
        } catch (Exception e) { // from runStarted
            worker.withLock(() -> worker.runFailures++);
        } finally {
            if (started) {
                worker.handler.runEnded();
            }
            worker.ended(interrupted);
        }
    }

    private void handle(Map<K, V> batch) {
        Set<K> done;
        Exception cause = null;
        try {
            done = worker.handler.handle(batch);
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
            long wait;
            worker.lock.lock();
            try {
                worker.parked = null;
                long now = worker.clock.nanoTime();
                if (worker.stopping || (worker.draining && now - worker.drainUntil >= 0)) {
                    return null;
                }
                Map<K, V> batch = worker.pending.takeReady(now, worker.settings.maxBatch());
                if (!batch.isEmpty()) {
                    return batch;
                }
                if (!toldCaughtUp) {
                    lingerUntil = now + worker.settings.linger().toNanos();
                    wait = -1;
                } else {
                    wait = waitFor(now, lingerUntil);
                    if (wait <= 0) {
                        return null;
                    }
                    worker.parked = Thread.currentThread();
                }
            } finally {
                worker.lock.unlock();
            }
            if (wait < 0) {
                worker.handler.caughtUp();
                toldCaughtUp = true;
            } else {
                worker.clock.park(wait); // without the lock: an offer only unparks this thread
                if (Thread.interrupted()) {
                    throw new InterruptedException("the run was interrupted while it waited for a value");
                }
            }
        }
    }

    /** How long a run with nothing ready waits (the caller holds the lock); 0 or less: the run ends. */
    private long waitFor(long now, long lingerUntil) {
        long earliest = worker.pending.earliest(now + Duration.ofDays(1).toNanos());
        if (worker.draining) {
            return worker.pending.isEmpty() ? 0 : Math.min(earliest, worker.drainUntil) - now;
        }
        if (worker.lingerCut) {
            return 0;
        }
        return (worker.pending.isEmpty() ? lingerUntil : Math.min(earliest, lingerUntil)) - now;
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
        worker.lock.lock();
        try {
            batch.forEach((key, value) -> {
                int outcome = worker.pending.settle(key, value, done.contains(key));
                if (outcome == PendingValues.OVERTAKEN) {
                    overtaken.add(key);
                } else if (outcome > PendingValues.DONE) {
                    failed.add(new Failed<>(key, value, outcome));
                }
            });
            worker.changed.signalAll();
        } finally {
            worker.lock.unlock();
        }
        overtaken.forEach(key -> worker.handler.overtaken(key, batch.get(key)));
        for (Failed<K, V> f : failed) {
            Duration pause = worker.settings.backoff().after(f.failures());
            boolean again = worker.handler.retry(f.key(), f.value(), f.failures(), cause, pause);
            worker.withLock(() -> worker.pending.retry(f.key(), f.value(), f.failures(), again ? worker.clock.nanoTime() + pause.toNanos() : null));
        }
    }
}
