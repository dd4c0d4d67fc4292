package org.modstamp.server.store;

import org.modstamp.testing.MariaDbProcess;
import org.modstamp.testing.TestDatabase;

/** {@link JdbcStoreCases} on a private MariaDB 10.11, every commit flushed. */
class JdbcStoreMariaDbTest extends JdbcStoreCases {
    @Override
    TestDatabase startDatabase() throws Exception {
        return MariaDbProcess.start(true);
    }
}
