package org.modstamp.testing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A private database server a test started ({@link PostgresProcess}, {@link MariaDbProcess}): where it is, how to
 * empty it of a table, and how to crash and restart it. Its driver must be on the test's class path.
 */
public interface TestDatabase extends AutoCloseable {
    /** The JDBC URL of the test's database, for its non-superuser. */
    String jdbcUrl();

    /** Drops {@code table} if it exists, as the superuser. */
    void dropTable(String table) throws Exception;

    /** Gives the test's user the right to create tables, or takes it away (as the superuser). */
    void allowCreate(boolean allowed) throws Exception;

    /** Gives the test's user INSERT, UPDATE and DELETE on every table, or takes them away (as the superuser). */
    void allowWrites(boolean allowed) throws Exception;

    /** Stops the server at once, as a crash would. */
    void kill() throws Exception;

    /** Starts the server again after {@link #kill}, and waits until it takes connections. */
    void startServer() throws Exception;

    /** A DataSource of plain connections to {@link #jdbcUrl}, through the driver. */
    default DataSource dataSource() {
        String url = jdbcUrl();
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                return DriverManager.getConnection(url);
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                return DriverManager.getConnection(url, user, password);
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getLogger(TestDatabase.class.getName());
            }

            @Override
            public <T> T unwrap(Class<T> type) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }
}
