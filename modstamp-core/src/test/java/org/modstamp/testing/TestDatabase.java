package org.modstamp.testing;

/**
 * A private database server a test started ({@link PostgresProcess}, {@link MariaDbProcess}): where it is, how to
 * empty it of a table, change its user's rights, and crash and restart it. Its driver must be on the test's class
 * path (the JDBC store's {@code DriverDataSource} connects to {@link #jdbcUrl}).
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
}
