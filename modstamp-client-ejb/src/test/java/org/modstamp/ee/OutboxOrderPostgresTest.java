package org.modstamp.ee;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modstamp.testing.PostgresProcess;
import org.postgresql.ds.PGSimpleDataSource;

/** {@link OutboxOrderCases} on a private PostgreSQL 15, the outbox table dropped before each test. */
class OutboxOrderPostgresTest extends OutboxOrderCases {
    private static PostgresProcess postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresProcess.start(false);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    DataSource freshDatabase() throws Exception {
        postgres.psql("DROP TABLE IF EXISTS modstamp_outbox");
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(postgres.jdbcUrl());
        return pg;
    }
}
