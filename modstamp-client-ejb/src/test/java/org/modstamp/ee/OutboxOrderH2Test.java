package org.modstamp.ee;

import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;

/** {@link OutboxOrderCases} on H2, a new in-memory database per test. */
class OutboxOrderH2Test extends OutboxOrderCases {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Override
    DataSource freshDatabase() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:order" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }
}
