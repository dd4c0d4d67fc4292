package org.modstamp.server.store;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.mariadb.jdbc.MariaDbDataSource;
import org.modstamp.testing.MariaDbProcess;

/** {@link JdbcStoreCases} on a private MariaDB 10.11, every commit flushed. */
class JdbcStoreMariaDbTest extends JdbcStoreCases {
    private static MariaDbProcess mariadb;

    @BeforeAll
    static void startMariaDb() throws Exception {
        mariadb = MariaDbProcess.start(true);
    }

    @AfterAll
    static void stopMariaDb() throws Exception {
        mariadb.close();
    }

    @Override
    DataSource freshDatabase() throws Exception {
        mariadb.sql("DROP TABLE IF EXISTS modstamp.modstamps");
        return new MariaDbDataSource(mariadb.jdbcUrl());
    }

    @Override
    void restartDatabase(boolean start) throws Exception {
        if (start) {
            mariadb.startServer();
        } else {
            mariadb.kill();
        }
    }
}
