package org.modstamp.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

/** The worker on a manual executor and clock: every wait, linger and backoff is checked without sleeping. */
class LatestValueWorkerTest {
    private static final Duration LINGER = Duration.ofMillis(250);
    private static final Duration REFUSED_RETRY = Duration.ofSeconds(1);
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(10));

    private final ManualClock clock = new ManualClock();
    private final ManualExecutor executor = new ManualExecutor();
    private final Recorder handler = new Recorder();

    /** Records each batch with the clock's time; fails the values {@link #failing} picks; retries up to {@link #maxFailures}. */
    private final class Recorder implements WorkerHandler<String, String> {
        final List<Map<String, String>> batches = new ArrayList<>();
        final List<Long> handledAt = new ArrayList<>();
        final List<String> givenUp = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        Predicate<String> failing = value -> false;
        Runnable duringHandle = () -> { };
        int maxFailures = Integer.MAX_VALUE;
        int startFailures;

        @Override
        public Set<String> handle(Map<String, String> batch) {
            batches.add(new LinkedHashMap<>(batch));
            handledAt.add(clock.nanoTime());
            Runnable during = duringHandle;
            duringHandle = () -> { };
            during.run();
            Set<String> done = new HashSet<>();
            batch.forEach((key, value) -> {
                if (!failing.test(value)) {
                    done.add(key);
                }
            });
            return done;
        }

        @Override
        public boolean retry(String key, String value, int failures, Exception cause, Duration pause) {
            if (failures > maxFailures) {
                givenUp.add(key + "=" + value);
                return false;
            }
            return true;
        }

        @Override
        public void runStarted() throws Exception {
            if (startFailures > 0) {
                startFailures--;
                throw new Exception("no endpoint yet");
            }
            events.add("started");
        }

        @Override
        public void caughtUp() {
            events.add("caught up");
        }

        @Override
        public void runEnded() {
            events.add("ended");
        }

        @Override
        public void cannotRun(RuntimeException cause) {
            events.add("cannot run");
        }

        List<String> values() {
            List<String> all = new ArrayList<>();
            batches.forEach(batch -> batch.forEach((k, v) -> all.add(k + "=" + v)));
            return all;
        }
    }

    private LatestValueWorker<String, String> worker(int maxBatch) {
        return worker(maxBatch, ValueMerge.newest());
    }

    private LatestValueWorker<String, String> worker(int maxBatch, ValueMerge<String> merge) {
        return new LatestValueWorker<>(handler, merge,
                new WorkerSettings(executor, clock, BACKOFF, LINGER, REFUSED_RETRY, maxBatch));
    }

    @Test
    void theLatestValueOfEachKeyIsHandledByOneRunInOrder() {
        LatestValueWorker<String, String> worker = worker(100);
        assertEquals(LatestValueWorker.Offered.NEW, worker.offer("a", "1"));
        assertEquals(LatestValueWorker.Offered.NEW, worker.offer("b", "1"));
        assertEquals(LatestValueWorker.Offered.OVER_PENDING, worker.offer("a", "2"), "a had a value pending");
        assertEquals(1, executor.queued(), "one run for three offers");
        executor.runAll();
        assertEquals(List.of(Map.of("b", "1", "a", "2")), handler.batches);
        assertEquals(List.of("b", "a"), List.copyOf(handler.batches.get(0).keySet()), "in the order last replaced");
        assertEquals(LatestValueWorker.State.IDLE, worker.state());
        assertEquals(List.of("started", "caught up", "ended"), handler.events);
    }

    @Test
    void aRunLingersForTheNextOfferThenEnds() {
        LatestValueWorker<String, String> worker = worker(100);
        worker.offer("a", "1");
        clock.onWait(() -> worker.offer("b", "1")); // arrives while the run lingers
        long start = clock.nanoTime();
        executor.runAll();
        assertEquals(List.of(Map.of("a", "1"), Map.of("b", "1")), handler.batches, "the lingering run took it");
        assertEquals(List.of("started", "caught up", "caught up", "ended"), handler.events, "one run");
        assertEquals(LINGER, clock.elapsedSince(start), "it ended after lingering once, with nothing more");
        assertEquals(0, executor.queued());
    }

    @Test
    void aFailedValueIsRetriedWithItsBackoffInsideTheLingeringRun() {
        LatestValueWorker<String, String> worker = worker(100);
        int[] failuresLeft = {1};
        handler.failing = value -> failuresLeft[0]-- > 0;
        worker.offer("a", "1");
        long start = clock.nanoTime();
        executor.runAll();
        assertEquals(List.of("a=1", "a=1"), handler.values());
        assertEquals(start + BACKOFF.initial().toNanos(), (long) handler.handledAt.get(1), "after 100 ms");
        assertEquals(1, handler.events.stream().filter("started"::equals).count(), "within the same run");
    }

    @Test
    void aRetryDueAfterTheLingerEndsTheRunAndComesBackOnTheTimer() {
        LatestValueWorker<String, String> worker = worker(100);
        int[] failuresLeft = {3};
        handler.failing = value -> failuresLeft[0]-- > 0;
        worker.offer("a", "1");
        long start = clock.nanoTime();
        executor.runAll(); // fails at 0, 100 ms; the third try is due 200 ms later, within the linger: fails again
        assertEquals(3, handler.batches.size());
        assertEquals(LatestValueWorker.State.WAITING, worker.state(), "400 ms is past the linger: a timer is set");
        assertEquals(1, clock.timersSet());
        assertEquals(Duration.ofMillis(300 + 250), clock.elapsedSince(start), "the last try at 300 ms, then the linger");
        clock.advance(Duration.ofMillis(150).minusNanos(1));
        assertEquals(0, executor.queued(), "100, 200, 400 ms: the backoff doubles");
        clock.advance(Duration.ofNanos(1));
        executor.runAll();
        assertEquals(4, handler.batches.size());
        assertEquals(LatestValueWorker.State.IDLE, worker.state());
    }

    @Test
    void theFailureOfAnOlderValueNeverCountsAgainstTheNewerOne() {
        LatestValueWorker<String, String> worker = worker(1);
        handler.maxFailures = 1;
        handler.failing = value -> true;
        handler.duringHandle = () -> worker.offer("x", "B"); // B arrives while A is being handled, then A fails
        worker.offer("x", "A");
        executor.runAll();
        clock.advance(Duration.ofMinutes(1));
        executor.runAll();
        assertEquals(List.of("x=A", "x=B", "x=B"), handler.values(), "B is tried twice: once and once again");
        assertEquals(List.of("x=B"), handler.givenUp);
    }

    @Test
    void aNewValueStartsWithNoFailures() {
        LatestValueWorker<String, String> worker = worker(1);
        handler.maxFailures = 1;
        handler.failing = value -> value.equals("A");
        worker.offer("x", "A");
        executor.runAll(); // A fails twice: given up
        assertEquals(List.of("x=A"), handler.givenUp);
        handler.failing = value -> true;
        worker.offer("x", "B");
        executor.runAll();
        assertEquals(List.of("x=A", "x=A", "x=B", "x=B"), handler.values());
    }

    @Test
    void aHandlerThatThrowsFailsItsBatchWhichIsRetried() {
        LatestValueWorker<String, String> worker = new LatestValueWorker<>(new WorkerHandler<>() {
            int calls;

            @Override
            public Set<String> handle(Map<String, String> batch) {
                handler.batches.add(batch);
                if (calls++ == 0) {
                    throw new IllegalStateException("the server is down");
                }
                return batch.keySet();
            }

            @Override
            public boolean retry(String key, String value, int failures, Exception cause, Duration pause) {
                handler.givenUp.add(cause.getMessage());
                return true;
            }
        }, ValueMerge.newest(), new WorkerSettings(executor, clock, BACKOFF, LINGER,
                REFUSED_RETRY, 10));
        worker.offer("a", "1");
        worker.offer("b", "1");
        executor.runAll();
        assertEquals(List.of(Map.of("a", "1", "b", "1"), Map.of("a", "1", "b", "1")), handler.batches);
        assertEquals(List.of("the server is down", "the server is down"), handler.givenUp, "each told its cause");
        assertTrue(worker.pendingKeys().isEmpty());
    }

    @Test
    void aRefusedRunIsStartedAgainOnTheTimerWithoutAnotherOffer() {
        LatestValueWorker<String, String> worker = worker(100);
        executor.refusals = 1;
        worker.offer("a", "1");
        assertEquals(LatestValueWorker.State.WAITING, worker.state());
        worker.offer("a", "2"); // waits for the timer too: no new attempt on a refusing executor
        assertEquals(0, executor.queued());
        clock.advance(REFUSED_RETRY);
        executor.runAll();
        assertEquals(List.of("a=2"), handler.values());
    }

    @Test
    void aRunTheExecutorDroppedAfterAcceptingItIsStartedAgain() {
        LatestValueWorker<String, String> worker = worker(100);
        worker.offer("a", "1");
        executor.take(); // never runs
        worker.runRejected(new IllegalStateException("dropped"));
        clock.advance(REFUSED_RETRY);
        executor.runAll();
        assertEquals(List.of("a=1"), handler.values());
    }

    @Test
    void whenTheTimerRefusesTooTheValuesWaitForTheNextOffer() {
        LatestValueWorker<String, String> worker = worker(100);
        executor.refusals = 1;
        clock.refusing = true;
        worker.offer("a", "1");
        assertEquals(List.of("cannot run"), handler.events);
        assertEquals(LatestValueWorker.State.IDLE, worker.state());
        assertEquals(Set.of("a"), worker.pendingKeys(), "kept");
        clock.refusing = false;
        worker.offer("b", "1");
        executor.runAll();
        assertEquals(List.of("a=1", "b=1"), handler.values(), "nothing lost");
    }

    @Test
    void aRunWhoseStartFailsBacksOffWhileValuesWait() {
        LatestValueWorker<String, String> worker = worker(100);
        handler.startFailures = 2;
        worker.offer("a", "1");
        executor.runAll();
        assertEquals(LatestValueWorker.State.WAITING, worker.state());
        worker.offer("b", "1");
        assertEquals(0, executor.queued(), "a new offer does not hurry a failing start");
        clock.advance(BACKOFF.after(1));
        executor.runAll();
        assertEquals(0, handler.batches.size(), "the second start fails too");
        clock.advance(BACKOFF.after(2).minusNanos(1));
        assertEquals(0, executor.queued(), "the pause doubled");
        clock.advance(Duration.ofNanos(1));
        executor.runAll();
        assertEquals(List.of("a=1", "b=1"), handler.values(), "no value counted the failed starts against it");
        assertTrue(handler.givenUp.isEmpty());
    }

    @Test
    void mergeSeesWhetherThePendingValueIsInFlight() {
        List<String> merged = new ArrayList<>();
        LatestValueWorker<String, String> worker = worker(1, (pending, offered, inFlight) -> {
            merged.add(pending + (inFlight ? " in flight" : " queued") + " + " + offered);
            return inFlight ? offered : pending + offered;
        });
        worker.offer("a", "1");
        worker.offer("a", "2");
        handler.duringHandle = () -> assertEquals(LatestValueWorker.Offered.OVER_IN_FLIGHT, worker.offer("a", "3"));
        executor.runAll();
        assertEquals(List.of("1 queued + 2", "12 in flight + 3"), merged);
        assertEquals(List.of("a=12", "a=3"), handler.values());
    }

    @Test
    void aValueTheMergeDropsIsKeptOutAndSaidSo() {
        LatestValueWorker<String, String> worker = worker(1, (pending, offered, inFlight) ->
                offered.compareTo(pending) > 0 ? offered : pending);
        worker.offer("a", "5");
        assertEquals(LatestValueWorker.Offered.KEPT, worker.offer("a", "4"), "older than the pending value");
        handler.duringHandle = () -> assertEquals(LatestValueWorker.Offered.KEPT, worker.offer("a", "5"),
                "the value in flight, offered again");
        executor.runAll();
        assertEquals(List.of("a=5"), handler.values(), "handled once");
    }

    @Test
    void drainHandlesWhatIsPendingOnTheCallersThreadUntilItsTimeIsUp() throws Exception {
        LatestValueWorker<String, String> worker = worker(100);
        worker.offer("ok", "1");
        executor.take(); // the executor stopped: its run never comes
        assertEquals(Map.of(), worker.drain(clock.nanoTime() + Duration.ofSeconds(1).toNanos()));
        assertEquals(List.of("ok=1"), handler.values());
        assertEquals(LatestValueWorker.State.STOPPED, worker.state());
        assertEquals(LatestValueWorker.Offered.REFUSED, worker.offer("late", "1"));
    }

    @Test
    void drainGivesBackWhatItCouldNotFinishInTime() throws Exception {
        LatestValueWorker<String, String> worker = worker(100);
        handler.failing = value -> value.equals("down");
        worker.offer("a", "down");
        worker.offer("b", "up");
        executor.take();
        long start = clock.nanoTime();
        assertEquals(Map.of("a", "down"), worker.drain(start + Duration.ofSeconds(1).toNanos()));
        assertTrue(clock.elapsedSince(start).compareTo(Duration.ofSeconds(1)) >= 0, "it kept trying for its second");
        assertTrue(handler.values().size() > 2, "retried meanwhile: " + handler.values());
    }

    @Test
    void stopDropsWhatIsPendingAndARunThatComesLaterDoesNothing() {
        LatestValueWorker<String, String> worker = worker(100);
        worker.offer("a", "1");
        assertEquals(Map.of("a", "1"), worker.stop());
        executor.runAll();
        assertTrue(handler.batches.isEmpty());
        assertTrue(handler.events.isEmpty(), "the handler is not even started");
        assertEquals(LatestValueWorker.State.STOPPED, worker.state());
    }

    @Test
    void cutLingerEndsTheRunOnceNothingIsReady() {
        LatestValueWorker<String, String> worker = worker(100);
        worker.offer("a", "1");
        clock.onWait(worker::cutLinger);
        long start = clock.nanoTime();
        executor.runAll();
        assertEquals(Duration.ZERO, clock.elapsedSince(start), "no linger");
        assertEquals(List.of("started", "caught up", "ended"), handler.events);
    }
}
