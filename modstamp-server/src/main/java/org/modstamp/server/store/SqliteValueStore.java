package org.modstamp.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Values in an SQLite file, in the reference's table {@code modstamps(modstamp PRIMARY KEY, value)},
 * with every value also held in memory for Queries. Each {@link #putAll} is one transaction (group
 * commit: a batch of changes costs one commit), in WAL mode with {@code synchronous=FULL}, so a
 * change is on disk when the call returns. Not thread-safe: owned by the engine thread.
 */
public final class SqliteValueStore extends CachedValueStore {
    private static final System.Logger LOG = System.getLogger(SqliteValueStore.class.getName());

    private final Path file;
    private final Connection connection;
    private final PreparedStatement upsert;
    private final PreparedStatement delete;

    private SqliteValueStore(Path file, Connection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS modstamps(modstamp PRIMARY KEY, value)");
            try (ResultSet rows = s.executeQuery("SELECT modstamp, value FROM modstamps")) {
                while (rows.next()) {
                    byte[] value = rows.getBytes(2);
                    if (value != null && value.length > 0) {
                        cache.put(rows.getString(1), value);
                    }
                }
            }
        }
        connection.setAutoCommit(false);
        upsert = connection.prepareStatement("INSERT INTO modstamps(modstamp, value) VALUES (?, ?) "
                + "ON CONFLICT(modstamp) DO UPDATE SET value = excluded.value");
        delete = connection.prepareStatement("DELETE FROM modstamps WHERE modstamp = ?");
    }

    /** Opens (creating if needed) the database file and loads its values. */
    public static SqliteValueStore open(Path file) throws StoreException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(5_000);
            // the driver itself, not DriverManager: in an application server the driver's class loader
            // (the application's) is not one DriverManager searches
            SQLiteDataSource source = new SQLiteDataSource(config);
            source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
            Connection connection = source.getConnection();
            try {
                return new SqliteValueStore(file, connection);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("cannot open SQLite database " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void putAll(Map<String, byte[]> changes) throws StoreException {
        if (changes.isEmpty()) {
            return;
        }
        try {
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
            connection.commit();
        } catch (SQLException e) {
            rollback();
            throw new StoreException("cannot store " + changes.size() + " change(s) in " + file + ": "
                    + e.getMessage(), e);
        }
        cache.putAll(changes);
    }

    private void rollback() {
        try {
            upsert.clearBatch();
            delete.clearBatch();
            connection.rollback();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.ERROR, "rollback failed on " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.ERROR, "closing " + file + " failed", e);
        }
        cache.close();
    }
}
