package org.modstamp.ee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.transaction.Status;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pusher without a container: a fake transaction registry, plain executors, and a fake target. */
class ModstampPusherTest {
    private final FakeTarget target = new FakeTarget();
    private final FakeTransactions transactions = new FakeTransactions();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    /** How many of the next tasks the executor refuses. */
    private final AtomicInteger refusals = new AtomicInteger();
    private ModstampPusher pusher;

    @BeforeEach
    void pusher() {
        pusher = new ModstampPusher();
        pusher.connectionFactoryNames = "java:app/modstamp";
        pusher.deadlineSeconds = 60;
        pusher.shutdownWaitSeconds = 5;
        pusher.transactions = transactions;
        pusher.executor = new AbstractExecutorService() { // refuses while refusals > 0, as a saturated one would
            @Override
            public void execute(Runnable task) {
                if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new RejectedExecutionException("refused for the test");
                }
                pool.execute(task);
            }

            @Override
            public void shutdown() {
            }

            @Override
            public List<Runnable> shutdownNow() {
                return List.of();
            }

            @Override
            public boolean isShutdown() {
                return false;
            }

            @Override
            public boolean isTerminated() {
                return false;
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) {
                return true;
            }
        };
        pusher.scheduler = scheduler;
        pusher.factories = target.factories();
        pusher.configure();
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        scheduler.shutdownNow();
    }

    @Test
    void outsideATransactionAPushGoesAtOnce() throws Exception {
        pusher.push("a", "1");
        assertTrue(target.awaitValue("a", "1"));
    }

    @Test
    void insideATransactionThePushWaitsForTheCommit() throws Exception {
        transactions.begin();
        pusher.push("b", "1");
        pusher.push("b", "2");
        assertEquals(0, pusher.stats().queued(), "nothing before the commit");
        transactions.end(Status.STATUS_COMMITTED);
        assertTrue(target.awaitValue("b", "2"));
        assertEquals(List.of(Map.of("b", "2")), target.received(), "one C, with the last value");
    }

    @Test
    void aRolledBackTransactionSendsNothing() {
        transactions.begin();
        pusher.push("c", "1");
        transactions.end(Status.STATUS_ROLLEDBACK);
        assertEquals(0, pusher.stats().queued());
        for (int status : new int[] {Status.STATUS_MARKED_ROLLBACK, Status.STATUS_ROLLING_BACK, Status.STATUS_ROLLEDBACK}) {
            transactions.begin();
            transactions.status(status, false);
            pusher.push("c", "2");
            transactions.end(Status.STATUS_ROLLEDBACK);
        }
        assertEquals(0, pusher.stats().queued(), "a transaction that rolls back never pushes");
    }

    @Test
    void aPushFromAnAfterSuccessObserverOfAStillBoundCommittedTransactionGoesAtOnce() throws Exception {
        transactions.begin();
        transactions.status(Status.STATUS_COMMITTED, true); // Narayana, during afterCompletion
        pusher.push("d", "1");
        assertTrue(target.awaitValue("d", "1"));
    }

    @Test
    void aCompletingTransactionThatTakesNoSynchronizationAnyMorePushesAtOnce() throws Exception {
        transactions.begin();
        transactions.status(Status.STATUS_COMMITTING, true);
        pusher.push("e", "1");
        assertTrue(target.awaitValue("e", "1"));
        transactions.begin();
        transactions.status(Status.STATUS_PREPARING, false); // still takes one: wait for the outcome
        pusher.push("e", "2");
        assertEquals(1, pusher.stats().queued());
        transactions.end(Status.STATUS_COMMITTED);
        assertTrue(target.awaitValue("e", "2"));
    }

    @Test
    void tasksTheExecutorRefusesRunLaterWithoutAnotherPush() throws Exception {
        refusals.set(2); // the dispatcher, then the sender
        pusher.push("f", "1");
        assertTrue(target.awaitValue("f", "1"), "retried on the scheduler");
    }

    @Test
    void whileTheServerIsDownOnlyTheLatestValueOfAnIdWaits() throws Exception {
        target.up(false);
        for (int i = 1; i <= 5; i++) {
            pusher.push("g", String.valueOf(i));
        }
        assertTrue(target.awaitAttempt(Map.of("g", "5")), "the sender tries the latest value while the server is down");
        assertEquals(4, pusher.stats().superseded());
        target.up(true);
        assertTrue(target.awaitValue("g", "5"));
        assertTrue(target.received().stream().noneMatch(batch -> !"5".equals(batch.get("g"))),
                "no older value after the server came back: " + target.received());
    }

    @Test
    void shutdownSendsWhatIsPendingThenNamesWhatItGivesUp() throws Exception {
        pusher.push("h", "1");
        assertTrue(target.awaitValue("h", "1"));
        target.up(false);
        pusher.shutdownWaitSeconds = 1;
        pusher.push("h", "2");
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(ModstampPusher.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try {
            pusher.drain();
        } finally {
            log.removeHandler(handler);
        }
        assertTrue(warnings.stream().anyMatch(w -> w.contains("{h=2}") && w.contains("not sent")), warnings.toString());
        assertEquals(1, pusher.stats().failed());
    }

    @Test
    void shutdownWaitsUntilThePendingChangeIsConfirmed() throws Exception {
        target.up(false);
        pusher.push("i", "1");
        scheduler.schedule(() -> target.up(true), 300, TimeUnit.MILLISECONDS);
        pusher.drain();
        assertEquals("1", target.values().get("i"), "the drain waited for the server");
        assertEquals(0, pusher.stats().failed());
    }

    @Test
    void aDeleteIsSentOnceAndConfirmed() throws Exception {
        pusher.push("del", "1");
        assertTrue(target.awaitValue("del", "1"));
        // the sender counts "1" as confirmed once the push returned: a delete offered before would supersede it
        awaitConfirmed(1);
        pusher.push("del", "");
        assertTrue(target.awaitValue("del", null), "deleted");
        awaitConfirmed(2);
        assertEquals(2, pusher.stats().confirmed(), "the empty value was confirmed as the deletion it is");
        assertEquals(2, target.received().size(), "sent once, not again and again");
    }

    private void awaitConfirmed(long count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pusher.stats().confirmed() < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void badIdsAndValuesFailTheCaller() {
        assertThrows(IllegalArgumentException.class, () -> pusher.push("bad id", "1"));
        assertThrows(IllegalArgumentException.class, () -> pusher.push("ok", "x".repeat(256)));
    }
}
