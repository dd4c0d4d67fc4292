package org.modstamp.ee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
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
 * newest value wins whatever path it takes, and announcing never fails the transaction it announces. Run on
 * each database the outbox supports ({@link OutboxOrderH2Test}, {@link OutboxOrderPostgresTest}).
 */
abstract class OutboxOrderCases {
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
     * Waits (at most 10 s) until the pusher has nothing pending and no row of the outbox is unconfirmed (a
     * confirmation still on its way may unmark a newer row and send it again: a moment with every row confirmed is
     * not the end).
     */
    private void awaitAllConfirmed() throws Exception {
        Outbox outbox = new Outbox(transactions.dataSource(), "java:app/jdbc/orders", "modstamp_outbox");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(pusher.idle() && outbox.unconfirmed().isEmpty() && pusher.idle()) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        assertEquals(List.of(), outbox.unconfirmed(), "every row confirmed");
        assertTrue(pusher.idle(), "nothing pending");
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
