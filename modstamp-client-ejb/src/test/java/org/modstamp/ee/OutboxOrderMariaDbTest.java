package org.modstamp.ee;

import org.modstamp.testing.MariaDbProcess;
import org.modstamp.testing.TestDatabase;

/** {@link OutboxOrderCases} on a private MariaDB 10.11. */
class OutboxOrderMariaDbTest extends OutboxOrderOnServerCases {
    @Override
    TestDatabase startDatabase() throws Exception {
        return MariaDbProcess.start(true);
    }
}
