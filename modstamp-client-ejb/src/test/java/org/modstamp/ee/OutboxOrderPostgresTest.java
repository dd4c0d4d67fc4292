package org.modstamp.ee;

import org.modstamp.testing.PostgresProcess;
import org.modstamp.testing.TestDatabase;

/** {@link OutboxOrderCases} on a private PostgreSQL 15, fsync on. */
class OutboxOrderPostgresTest extends OutboxOrderOnServerCases {
    @Override
    TestDatabase startDatabase() throws Exception {
        return PostgresProcess.start(true);
    }
}
