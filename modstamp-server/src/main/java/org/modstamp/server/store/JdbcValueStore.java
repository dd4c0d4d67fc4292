package org.modstamp.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;

import org.modstamp.wire.Watches;

/**
 * Values in a relational database (SQLite, PostgreSQL, H2, MySQL, MariaDB) through a JDBC
 * {@link DataSource}, in the reference's table {@code modstamps(modstamp PRIMARY KEY, value)} (created
 * when missing), with every value also held in memory for Queries, and the store's epoch and revision in a
 * table of one row, {@code modstamps_revision(epoch, revision)} (created, with a random epoch, when missing),
 * written in the same transaction as the values. Each {@link #putAll} is one
 * transaction (group commit: a batch of changes costs one commit), so a change is durable when the call
 * returns, as durable as the database makes a commit. The store keeps one connection; after a failure it
 * drops it and takes a new one for the next batch, so a restarted database is picked up again. Not
 * thread-safe (owned by the engine thread), but for {@link #checkReachable}.
 */
public final class JdbcValueStore extends CachedValueStore {
    private static final System.Logger LOG = System.getLogger(JdbcValueStore.class.getName());
    private static final int VALIDATION_SECONDS = 2;
    private static final String REVISION_TABLE = "modstamps_revision";
    private static final String CREATE_REVISION_TABLE = "CREATE TABLE IF NOT EXISTS " + REVISION_TABLE
            + "(epoch BIGINT NOT NULL, revision BIGINT NOT NULL)";

    private final DataSource source;
    private final String name;
    private final JdbcDialect dialect;
    private Connection connection;
    private PreparedStatement upsert;
    private PreparedStatement delete;
    private PreparedStatement advance;
    private PreparedStatement readRevision;
    private long epoch;
    private long revision;

    private JdbcValueStore(DataSource source, String name, JdbcDialect dialect) {
        this.source = source;
        this.name = name;
        this.dialect = dialect;
    }

    /**
     * Opens the store on {@code source}: creates the table if it is missing and loads every value.
     * {@code name} says which database this is in messages (a file, a JNDI name).
     */
    public static JdbcValueStore open(DataSource source, String name) throws StoreException {
        try (Connection c = source.getConnection()) {
            JdbcValueStore store = new JdbcValueStore(source, name, JdbcDialect.of(c.getMetaData().getDatabaseProductName()));
            store.load(c);
            return store;
        } catch (SQLException e) {
            throw new StoreException("cannot open the table modstamps of " + name + ": " + e.getMessage(), e);
        }
    }

    private void load(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!tableExists(c, "modstamps")) {
                s.executeUpdate(dialect.createTable);
            }
            try (ResultSet rows = s.executeQuery(dialect.selectAll)) {
                while (rows.next()) {
                    byte[] value = rows.getBytes(2);
                    if (value != null && value.length > 0) {
                        cache.put(rows.getString(1), value);
                    }
                }
            }
            loadRevision(c, s);
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    private void loadRevision(Connection c, Statement s) throws SQLException {
        if (!tableExists(c, REVISION_TABLE)) {
            s.executeUpdate(CREATE_REVISION_TABLE);
        }
        try (ResultSet row = s.executeQuery("SELECT epoch, revision FROM " + REVISION_TABLE)) {
            if (row.next()) {
                epoch = row.getLong(1);
                revision = row.getLong(2);
                return;
            }
        }
        epoch = MemoryValueStore.newEpoch();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + REVISION_TABLE + "(epoch, revision) VALUES (?, 0)")) {
            insert.setLong(1, epoch);
            insert.executeUpdate();
        }
    }

    /** Both spellings: databases fold unquoted names to lower (PostgreSQL) or upper case (H2). */
    private static boolean tableExists(Connection c, String name) throws SQLException {
        for (String table : new String[] {name, name.toUpperCase(java.util.Locale.ROOT)}) {
            try (ResultSet tables = c.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Stores the changes in one transaction. A connection kept from an earlier batch may have been closed
     * by the database meanwhile (an idle timeout, a restart): then the batch is tried once more on a new
     * one; upserts and deletes of the same values can be applied twice.
     */
    @Override
    public long putAll(Map<String, byte[]> changes) throws StoreException {
        if (changes.isEmpty()) {
            return revision;
        }
        boolean reused = connection != null;
        try {
            write(changes);
        } catch (SQLException | RuntimeException first) {
            disconnect(true);
            if (!reused) {
                throw failure(changes, first);
            }
            try {
                write(changes);
            } catch (SQLException | RuntimeException second) {
                disconnect(true);
                throw failure(changes, second);
            }
        }
        cache.putAll(changes);
        return revision;
    }

    @Override
    public Watches.Position position() {
        return new Watches.Position(epoch, revision);
    }

    private void write(Map<String, byte[]> changes) throws SQLException {
        connect();
        for (Map.Entry<String, byte[]> change : changes.entrySet()) {
            if (change.getValue().length == 0) {
                delete.setString(1, change.getKey());
                delete.addBatch();
            } else {
                upsert.setString(1, change.getKey());
                upsert.setBytes(2, change.getValue());
                upsert.addBatch();
            }
        }
        upsert.executeBatch();
        delete.executeBatch();
        // counted in the database, not from memory: the row lock orders every writer (another server on the same
        // database, a commit that landed though it was reported failed), so a revision is never handed out twice
        advance.setLong(1, changes.size());
        advance.executeUpdate();
        long last;
        try (ResultSet row = readRevision.executeQuery()) {
            row.next();
            last = row.getLong(1);
        }
        connection.commit();
        revision = last;
    }

    private StoreException failure(Map<String, byte[]> changes, Exception e) {
        return new StoreException("cannot store " + changes.size() + " change(s) in the table modstamps of " + name + ": "
                + e.getMessage(), e);
    }

    private void connect() throws SQLException {
        if (connection == null) {
            Connection c = source.getConnection();
            connection = c;
            c.setAutoCommit(false);
            upsert = c.prepareStatement(dialect.upsert);
            delete = c.prepareStatement(dialect.delete);
            advance = c.prepareStatement("UPDATE " + REVISION_TABLE + " SET revision = revision + ?");
            readRevision = c.prepareStatement("SELECT revision FROM " + REVISION_TABLE);
        }
    }

    /**
     * Closes the statements and the connection (rolling back what it had begun, after a failure; a batch
     * half added goes with them); the next batch takes a new connection.
     */
    private void disconnect(boolean rollback) {
        if (connection == null) {
            return;
        }
        try (Connection c = connection; PreparedStatement u = upsert; PreparedStatement d = delete;
             PreparedStatement a = advance; PreparedStatement r = readRevision) {
            if (rollback && !c.isClosed()) { // a connection the database closed has nothing to roll back
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, (rollback ? "rollback on " : "closing ") + name + " failed", e);
        } finally {
            connection = null;
            upsert = null;
            delete = null;
            advance = null;
            readRevision = null;
        }
    }

    @Override
    public void checkReachable() throws StoreException {
        try (Connection c = source.getConnection()) {
            if (!c.isValid(VALIDATION_SECONDS)) {
                throw new StoreException(name + " did not answer within " + VALIDATION_SECONDS + " s", null);
            }
        } catch (SQLException e) {
            throw new StoreException(name + " is not reachable: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        disconnect(false);
        cache.close();
    }
}
