package org.modstamp.server.store;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modstamp.testing.PostgresProcess;
import org.postgresql.ds.PGSimpleDataSource;

/** {@link JdbcStoreCases} on a private PostgreSQL 15, fsync on. */
class JdbcStorePostgresTest extends JdbcStoreCases {
    private static PostgresProcess postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresProcess.start(true);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    DataSource freshDatabase() throws Exception {
        postgres.psql("DROP TABLE IF EXISTS modstamps");
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(postgres.jdbcUrl());
        return pg;
    }

    @Override
    void restartDatabase(boolean start) throws Exception {
        if (start) {
            postgres.startServer();
        } else {
            postgres.kill();
        }
    }
}
