package org.modstamp.ee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.transaction.Status;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pusher's outbox on a real database (H2): what a transaction pushed survives until every target confirmed it. */
class OutboxTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final DataSource database = database();
    private final FakeTarget target = new FakeTarget();
    private final FakeTransactions transactions = new FakeTransactions();
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4);

    private static DataSource database() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:outbox" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** A pusher on the outbox of {@link #database}; a new one stands for the application after a restart. */
    private ModstampPusher pusher() {
        return OutboxPushers.start(database, transactions, target.factories(), executor);
    }

    private Outbox outbox() {
        return new Outbox(database, "java:app/jdbc/orders", "modstamp_outbox");
    }

    /** Waits (at most 5 s) until no row of the outbox is unconfirmed. */
    private boolean awaitAllConfirmed() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!outbox().unconfirmed().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        return true;
    }

    @Test
    void aCommittedPushIsRecordedThenMarkedConfirmedOnceTheServerConfirmedIt() throws Exception {
        ModstampPusher pusher = pusher();
        target.up(false);
        transactions.begin();
        pusher.push("orders", "1");
        assertEquals(List.of("orders"), outbox().unconfirmed().stream().map(Outbox.Row::id).toList(),
                "recorded inside the transaction");
        transactions.end(Status.STATUS_COMMITTED);
        target.up(true);
        assertTrue(target.awaitValue("orders", "1"));
        assertTrue(awaitAllConfirmed(), "marked once confirmed");
    }

    @Test
    void whatTheServerDidNotConfirmBeforeTheApplicationStoppedIsSentAfterItsRestart() throws Exception {
        target.up(false);
        ModstampPusher before = pusher();
        transactions.begin();
        before.push("stock", "7");
        transactions.end(Status.STATUS_COMMITTED);
        before.drain(); // nothing confirmed within a second: it stays in the outbox
        assertEquals(List.of(new Outbox.Row("stock", "7", outbox().unconfirmed().get(0).version())),
                outbox().unconfirmed());

        target.up(true);
        pusher(); // the application starts again: the first sweep sends what was left
        assertTrue(target.awaitValue("stock", "7"));
        assertTrue(awaitAllConfirmed());
    }

    @Test
    void rowsThatACrashLeftAreSentAtStart() throws Exception {
        outbox().createIfMissing();
        outbox().record(Map.of("a", "1", "b", "2"), 42); // as a transaction that committed just before a crash
        pusher();
        assertTrue(target.awaitValue("a", "1"));
        assertTrue(target.awaitValue("b", "2"));
        assertTrue(awaitAllConfirmed());
    }

    @Test
    void theTableIsCreatedOnceAndATableThatExistsIsUsed() throws Exception {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE custom_outbox (modstamp_id VARCHAR(255) NOT NULL PRIMARY KEY, "
                    + "modstamp_value VARCHAR(255), version BIGINT NOT NULL, confirmed_version BIGINT)");
        }
        Outbox custom = new Outbox(database, "java:app/jdbc/orders", "custom_outbox");
        custom.createIfMissing();
        custom.createIfMissing();
        custom.record(Map.of("c", "1"), 5);
        assertEquals(1, custom.unconfirmed().size());
        assertThrows(IllegalArgumentException.class, () -> new Outbox(database, "java:app/jdbc/orders", "bad name; DROP TABLE x"));
    }

    @Test
    void aMissingDataSourceFailsTheStartNamingTheSetting() {
        ModstampPusher pusher = new ModstampPusher() {
            @Override
            DataSource dataSource(String name) {
                throw new IllegalStateException("modstamp.pusher.outbox: no DataSource at " + name);
            }
        };
        pusher.connectionFactoryNames = "java:app/modstamp";
        pusher.deadlineSeconds = 60;
        pusher.outboxDataSource = "java:app/jdbc/missing";
        pusher.outboxTable = "modstamp_outbox";
        pusher.outboxSweepSeconds = 1;
        var e = assertThrows(IllegalStateException.class, pusher::configure);
        assertTrue(e.getMessage().contains("modstamp.pusher.outbox") && e.getMessage().contains("java:app/jdbc/missing"),
                e.getMessage());
    }

    @Test
    void aFailingDatabaseFailsThePushInsideTheTransaction() throws SQLException {
        ModstampPusher pusher = pusher();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("DROP TABLE modstamp_outbox");
        }
        transactions.begin();
        var e = assertThrows(IllegalStateException.class, () -> pusher.push("y", "1"));
        assertTrue(e.getMessage().contains("outbox"), e.getMessage());
    }
}
