package org.modstamp.ee;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.modstamp.testing.TestDatabase;

/** {@link OutboxOrderCases} on a database server the class starts, the outbox table dropped before each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboxOrderOnServerCases extends OutboxOrderCases {
    private TestDatabase server;

    /** Starts the database server that this class's tests run on. */
    abstract TestDatabase startDatabase() throws Exception;

    @BeforeAll
    void startServer() throws Exception {
        server = startDatabase();
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    @Override
    DataSource freshDatabase() throws Exception {
        server.dropTable("modstamp_outbox");
        return server.dataSource();
    }
}
