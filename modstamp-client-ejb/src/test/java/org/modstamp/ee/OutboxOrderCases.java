package org.modstamp.ee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import jakarta.transaction.Synchronization;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pusher and its outbox on a real database, in real database transactions, pushing to a real server: the
 * newest value wins whatever path it takes (concurrent first pushes, two instances sharing the table, a stale
 * confirmation), and announcing never fails the transaction it announces. Run on each database the outbox
 * supports ({@link OutboxOrderH2Test}, {@link OutboxOrderPostgresTest}, {@link OutboxOrderMariaDbTest}).
 */
abstract class OutboxOrderCases {
    /** The outbox table of the tests of its rows alone: no pusher sweeps it. */
    static final String ROWS_ONLY = "modstamp_rows";

    private ScheduledExecutorService executor;
    private DataSource database;
    JdbcTransactions transactions;
    ServerTarget server;
    ModstampPusher pusher;

    @BeforeEach
    void start() throws Exception {
        executor = Executors.newScheduledThreadPool(4);
        database = freshDatabase();
        transactions = new JdbcTransactions(database);
        server = ServerTarget.start();
        pusher = OutboxPushers.start(transactions.dataSource(), transactions, server.factories(), executor);
    }

    /** A database without an outbox table, for one test. */
    abstract DataSource freshDatabase() throws Exception;

    @AfterEach
    void stop() {
        pusher.drain();
        executor.shutdownNow();
        server.close();
    }

    @Test
    void aPushAfterTheCommitIsNeverOvertakenByTheOlderRowOfItsTransaction() throws Exception {
        transactions.begin();
        pusher.push("x", "v1-in-tx");
        transactions.registerInterposedSynchronization(new Synchronization() { // an AFTER_SUCCESS observer
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                pusher.push("x", "v2-after-success");
            }
        });
        transactions.commit();
        assertTrue(server.awaitValue("x", "v2-after-success"));
        awaitAllConfirmed();
        // two sweeps (1 s apart) find nothing to send again: a check that nothing happens, bounded
        long twoSweeps = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_200);
        while (System.nanoTime() < twoSweeps) {
            assertEquals("v2-after-success", server.value("x"), "the newer value stays");
            LockSupport.parkNanos(50_000_000);
        }
        assertEquals(List.of("x=v2-after-success confirmed"), rows("x"));
    }

    @Test
    void sixteenTransactionsCreatingTheSameNewIdAllCommit() throws Exception {
        int count = 16;
        CyclicBarrier together = new CyclicBarrier(count);
        ExecutorService threads = Executors.newFixedThreadPool(count);
        List<Future<String>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                String value = "t" + i;
                Callable<String> transaction = () -> {
                    together.await(10, TimeUnit.SECONDS);
                    transactions.begin();
                    try {
                        pusher.push("fresh", value);
                    } catch (RuntimeException e) {
                        transactions.rollback();
                        return "failed: " + e.getMessage();
                    }
                    transactions.commit();
                    return "committed";
                };
                outcomes.add(threads.submit(transaction));
            }
            for (Future<String> outcome : outcomes) {
                assertEquals("committed", outcome.get(30, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
        awaitAllConfirmed();
        List<String> row = rows("fresh");
        assertEquals(1, row.size());
        String value = row.get(0).substring("fresh=".length(), row.get(0).indexOf(' '));
        assertTrue(server.awaitValue("fresh", value), "the server holds the row's value, the newest version: " + row);
    }

    /**
     * Two instances of the application share the database and its outbox table, and take turns changing the same
     * ids: their sends race, and an instance may hear the confirmation of a value the other one has since replaced.
     * The server ends with the last committed value of every id, and every row is confirmed.
     */
    @Test
    void twoInstancesSharingTheTableEndWithTheLastCommitOfEachId() throws Exception {
        JdbcTransactions otherTransactions = new JdbcTransactions(database);
        ModstampPusher other = OutboxPushers.start(otherTransactions.dataSource(), otherTransactions,
                server.factories(), executor);
        try {
            Map<String, String> committed = new LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                boolean first = i % 2 == 0;
                JdbcTransactions instance = first ? transactions : otherTransactions;
                String id = "shared" + i % 5;
                String value = (first ? "a" : "b") + i;
                instance.begin();
                (first ? pusher : other).push(id, value);
                instance.commit();
                committed.put(id, value);
            }
            for (Map.Entry<String, String> last : committed.entrySet()) {
                assertTrue(server.awaitValue(last.getKey(), last.getValue()), "the server has the last commit of "
                        + last.getKey() + ": " + last.getValue() + ", not " + server.value(last.getKey()));
            }
            awaitAllConfirmed(other); // the other instance may still be sending a value since replaced
            for (Map.Entry<String, String> last : committed.entrySet()) {
                assertEquals(List.of(last.getKey() + "=" + last.getValue() + " confirmed"), rows(last.getKey()));
                assertEquals(last.getValue(), server.value(last.getKey()), "the server still has the last commit");
            }
        } finally {
            other.drain();
        }
    }

    @Test
    void aLateConfirmationOfAnOlderVersionMakesTheNewerValueBeSentAgain() throws Exception {
        Outbox outbox = rowsOnly();
        outbox.createIfMissing();
        outbox.record(Map.of("x", "old"), 1); // instance A commits old...
        outbox.record(Map.of("x", "new"), 2); // ...then instance B commits new
        assertEquals(Optional.empty(), outbox.confirmed(new Outbox.Row("x", "new", 2))); // B's push is confirmed first
        assertEquals(List.of(), outbox.unconfirmed());
        // then A's: the server may now hold "old": the newer row comes back, for A to send it again at once
        assertEquals(Optional.of(new Outbox.Row("x", "new", 2)), outbox.confirmed(new Outbox.Row("x", "old", 1)));
        assertEquals(List.of(new Outbox.Row("x", "new", 2)), outbox.unconfirmed(), "and it is unconfirmed again");
    }

    @Test
    void aConfirmationOfAnotherValueWithTheSameVersionNeverMarksTheRowConfirmed() throws Exception {
        Outbox outbox = rowsOnly();
        outbox.createIfMissing();
        outbox.record(Map.of("x", "b"), 7); // instance B's row; instance A pushed "a" with the same version
        assertEquals(Optional.of(new Outbox.Row("x", "b", 7)), outbox.confirmed(new Outbox.Row("x", "a", 7)),
                "B's value is sent again: A's may have overwritten it");
        assertEquals(List.of(new Outbox.Row("x", "b", 7)), outbox.unconfirmed(), "and it stays unconfirmed");
    }

    @Test
    void aRowIsOnlyEverWrittenByAGreaterVersion() throws Exception {
        Outbox outbox = rowsOnly();
        outbox.createIfMissing();
        outbox.record(Map.of("y", "newer"), 9);
        outbox.record(Map.of("y", "older"), 8); // committed later, versioned earlier: it never wins
        outbox.recordOnItsOwn(List.of(new Outbox.Row("y", "older too", 9)));
        assertEquals(List.of(new Outbox.Row("y", "newer", 9)), outbox.unconfirmed());
        assertEquals(Optional.empty(), outbox.confirmed(new Outbox.Row("y", "unrecorded", 10)),
                "a confirmed value the database never recorded is recorded, confirmed");
        assertEquals(List.of(), outbox.unconfirmed());
    }

    /**
     * Commit to confirmation with the outbox on this database: 300 sequential transactions, each waiting until
     * the server confirmed it. The latencies are printed (for BENCHMARKS.md), not asserted; none may fail, and
     * none is counted as superseded.
     */
    @Test
    void commitToConfirmationIsPrinted() throws Exception {
        for (int i = 0; i < 300; i++) {
            long before = pusher.stats().confirmed();
            transactions.begin();
            pusher.push("timed", "t" + i);
            transactions.commit();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            // confirmed, and nothing else pending: a row the outbox sent again is confirmed too, and counts
            while (!(pusher.stats().confirmed() > before && pusher.idle()) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000);
            }
        }
        PusherStats.Snapshot stats = pusher.stats();
        System.out.println("pusher-outbox on " + getClass().getSimpleName() + ": " + stats);
        assertEquals(0, stats.failed(), stats.toString());
        assertTrue(stats.confirmed() >= 300, stats.toString());
        // each value was confirmed before the next commit: none was replaced (the outbox sending a row again, after
        // a confirmation that found a newer row, is not a replacement)
        assertEquals(0, stats.superseded(), stats.toString());
    }

    /**
     * An outbox table that no pusher sweeps ({@value #ROWS_ONLY}), for the tests of its rows alone: two instances'
     * versions and confirmations, in the order a test chooses.
     */
    private Outbox rowsOnly() {
        return new Outbox(database, "java:app/jdbc/orders", ROWS_ONLY);
    }

    /**
     * Waits (at most 10 s) until the pusher has nothing pending and no row of the outbox is unconfirmed (a
     * confirmation still on its way may unmark a newer row and send it again: a moment with every row confirmed is
     * not the end).
     */
    /** Waits (10 s at most) until every row is confirmed and neither the pusher nor {@code others} has work pending. */
    private void awaitAllConfirmed(ModstampPusher... others) throws Exception {
        Outbox outbox = new Outbox(transactions.dataSource(), "java:app/jdbc/orders", "modstamp_outbox");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(allIdle(others) && outbox.unconfirmed().isEmpty() && allIdle(others))
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        assertEquals(List.of(), outbox.unconfirmed(), "every row confirmed");
        assertTrue(allIdle(others), "nothing pending");
    }

    private boolean allIdle(ModstampPusher... others) {
        return pusher.idle() && java.util.Arrays.stream(others).allMatch(ModstampPusher::idle);
    }

    /** The outbox's rows of {@code id}, as "id=value confirmed|unconfirmed", read with plain JDBC. */
    private List<String> rows(String id) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT modstamp_value, version, confirmed_version "
                     + "FROM modstamp_outbox WHERE modstamp_id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(id + "=" + row.getString(1) + (row.getLong(2) == row.getLong(3) ? " confirmed" : " unconfirmed"));
                }
            }
        }
        return rows;
    }
}
