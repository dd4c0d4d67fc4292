package org.modstamp.ee;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.mariadb.jdbc.MariaDbDataSource;
import org.modstamp.testing.MariaDbProcess;

/** {@link OutboxOrderCases} on a private MariaDB 10.11, the outbox table dropped before each test. */
class OutboxOrderMariaDbTest extends OutboxOrderCases {
    private static MariaDbProcess mariadb;

    @BeforeAll
    static void startMariaDb() throws Exception {
        mariadb = MariaDbProcess.start(false);
    }

    @AfterAll
    static void stopMariaDb() throws Exception {
        mariadb.close();
    }

    @Override
    DataSource freshDatabase() throws Exception {
        mariadb.sql("DROP TABLE IF EXISTS modstamp.modstamp_outbox");
        return new MariaDbDataSource(mariadb.jdbcUrl());
    }
}
