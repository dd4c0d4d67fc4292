package org.modstamp.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

/**
 * 1,000,000 values over 1,000 keys from 8 threads (100 rounds, the worker idle between them), on real threads and a
 * flaky executor that refuses 5% of the runs and accepts then drops another 5%, with a handler that fails 10% of
 * its batches: the last value of every
 * key is handled, and no two runs overlap.
 */
class LatestValueWorkerStressTest {
    private static final int KEYS = 1_000;
    private static final int THREADS = 8;
    private static final int ROUNDS = 100;
    private static final int VALUES_PER_THREAD_AND_ROUND = 1_250;

    @Test
    void theLastValueOfEveryKeyIsHandledAndNoTwoRunsOverlap() throws Exception {
        AtomicLongArray offered = new AtomicLongArray(KEYS);
        AtomicLongArray handled = new AtomicLongArray(KEYS);
        AtomicInteger inHandler = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        AtomicInteger failedBatches = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AtomicReference<LatestValueWorker<Integer, Long>> worker = new AtomicReference<>();
        AtomicInteger submitted = new AtomicInteger();
        java.util.concurrent.Executor flaky = task -> {
            int dice = submitted.incrementAndGet() % 20;
            if (dice == 3) {
                refused.incrementAndGet();
                throw new RejectedExecutionException("refused for the test");
            }
            if (dice == 13) { // accepted, then reported as dropped without running, as a WorkManager may
                dropped.incrementAndGet();
                pool.execute(() -> worker.get().runRejected(new IllegalStateException("dropped for the test")));
                return;
            }
            pool.execute(task);
        };
        WorkerHandler<Integer, Long> handler = new WorkerHandler<>() {
            @Override
            public Set<Integer> handle(Map<Integer, Long> batch) {
                if (inHandler.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                try {
                    if (ThreadLocalRandom.current().nextInt(10) == 0) { // a failing batch: retried after a backoff
                        failedBatches.incrementAndGet();
                        throw new IllegalStateException("failed for the test");
                    }
                    batch.forEach((key, value) -> handled.accumulateAndGet(key, value, Math::max));
                    return batch.keySet();
                } finally {
                    inHandler.decrementAndGet();
                }
            }

            @Override
            public boolean retry(Integer key, Long value, int failures, Exception cause, Duration pause) {
                return true;
            }
        };
        worker.set(new LatestValueWorker<>(handler, (pending, value, inFlight) -> value > pending ? value : pending,
                new WorkerSettings(flaky, WorkerClock.system((delay, task) ->
                        timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS)),
                        new Backoff(Duration.ofMillis(1), 2, Duration.ofMillis(20)), Duration.ZERO,
                        Duration.ofMillis(1), 16))); // no linger: a run for every few offers, many of them refused
        ExecutorService producers = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) { // the worker goes idle between rounds: a new run each
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    done.add(producers.submit(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        for (int i = 0; i < VALUES_PER_THREAD_AND_ROUND; i++) {
                            int key = random.nextInt(KEYS);
                            worker.get().offer(key, offered.incrementAndGet(key));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!(worker.get().pendingKeys().isEmpty() && worker.get().state() == LatestValueWorker.State.IDLE)) {
                    assertTrue(System.nanoTime() < deadline, "still pending: " + worker.get().pendingKeys().size()
                            + ", state " + worker.get().state());
                    LockSupport.parkNanos(100_000);
                }
            }
        } finally {
            producers.shutdownNow();
            pool.shutdownNow();
            timer.shutdownNow();
        }
        long total = 0;
        for (int key = 0; key < KEYS; key++) {
            assertEquals(offered.get(key), handled.get(key), "the last value of key " + key);
            total += offered.get(key);
        }
        assertEquals((long) ROUNDS * THREADS * VALUES_PER_THREAD_AND_ROUND, total);
        assertEquals(0, overlaps.get(), "two runs handled batches at once");
        assertTrue(refused.get() > 0 && dropped.get() > 0, "the executor was flaky: " + refused + " refused, "
                + dropped + " dropped");
        System.out.println("worker stress: " + refused + " runs refused, " + dropped + " dropped, " + failedBatches
                + " batches failed");
    }
}
