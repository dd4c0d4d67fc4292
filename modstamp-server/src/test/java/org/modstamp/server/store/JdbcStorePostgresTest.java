package org.modstamp.server.store;

import org.modstamp.testing.PostgresProcess;
import org.modstamp.testing.TestDatabase;

/** {@link JdbcStoreCases} on a private PostgreSQL 15, fsync on. */
class JdbcStorePostgresTest extends JdbcStoreCases {
    @Override
    TestDatabase startDatabase() throws Exception {
        return PostgresProcess.start(true);
    }
}
