package org.modstamp.ee;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.modstamp.server.store.DriverDataSource;
import org.modstamp.testing.DatabaseServerExtension;
import org.modstamp.testing.TestDatabase;

/** {@link OutboxOrderCases} on a database server the class starts, the outbox table dropped before each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboxOrderOnServerCases extends OutboxOrderCases {
    @RegisterExtension
    final DatabaseServerExtension databaseServer = new DatabaseServerExtension(this::startDatabase);

    /** Starts the database server that this class's tests run on. */
    abstract TestDatabase startDatabase() throws Exception;

    /**
     * A stream of transactions that each push, with the database killed in the middle and started again: no
     * transaction that could begin is failed by its announcement, and the server ends with the last committed
     * value of every id (the outbox's sweep sends what the outage left unconfirmed).
     */
    @Test
    void theServerConvergesWhenTheDatabaseRestartsInTheMiddleOfAStreamOfTransactions() throws Exception {
        Map<String, String> committed = new LinkedHashMap<>();
        int couldNotBegin = 0;
        for (int i = 0; i < 120; i++) {
            if (i == 40) {
                databaseServer.server().kill();
            } else if (i == 60) {
                databaseServer.server().startServer();
            }
            String id = "t" + i % 5;
            String value = "v" + i;
            try {
                transactions.begin();
            } catch (SQLException down) {
                couldNotBegin++; // the application's own database is down: nothing to announce
                continue;
            }
            pusher.push(id, value); // throws if the announcement fails the transaction
            transactions.commit();
            committed.put(id, value);
        }
        assertTrue(couldNotBegin >= 20, "the database was down for a while: " + couldNotBegin);
        for (Map.Entry<String, String> last : committed.entrySet()) {
            assertTrue(server.awaitValue(last.getKey(), last.getValue()), "the server has the last commit of "
                    + last.getKey() + ": " + last.getValue());
        }
    }

    /**
     * Where the application may not write the outbox (a DBA's grant forgotten), a push fails its transaction with
     * an error that names the table and the DataSource: the outbox's promise is the transaction's, so a commit
     * without its announcement recorded is refused, and nothing reaches the server.
     */
    @Test
    void withoutTheRightToWriteTheOutboxAPushFailsItsTransactionNamingTheTableAndTheDataSource() throws Exception {
        databaseServer.server().allowWrites(false);
        try {
            transactions.begin();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pusher.push("r", "1"));
            transactions.rollback();
            assertTrue(refused.getMessage().contains("the outbox table modstamp_outbox of java:app/jdbc/orders"),
                    refused.getMessage());
        } finally {
            databaseServer.server().allowWrites(true);
        }
        pusher.drain();
        assertNotEquals("1", server.value("r"), "nothing announced");
    }

    /** Without the right to create the missing outbox table, the pusher does not start, and says where. */
    @Test
    void withoutTheRightToCreateTheOutboxThePusherDoesNotStartNamingTheTableAndTheDataSource() throws Exception {
        databaseServer.server().dropTable("modstamp_outbox");
        databaseServer.server().allowCreate(false);
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> OutboxPushers.start(
                    new DriverDataSource(databaseServer.server().jdbcUrl(), null), transactions, server.factories(), null));
            assertTrue(refused.getMessage().contains("modstamp.pusher.outbox=java:app/jdbc/orders: cannot use the "
                    + "table modstamp_outbox"), refused.getMessage());
        } finally {
            databaseServer.server().allowCreate(true);
        }
    }

    @Override
    DataSource freshDatabase() throws Exception {
        databaseServer.server().dropTable("modstamp_outbox");
        databaseServer.server().dropTable(ROWS_ONLY);
        return new DriverDataSource(databaseServer.server().jdbcUrl(), null);
    }
}
