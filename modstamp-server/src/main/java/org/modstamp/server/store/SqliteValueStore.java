package org.modstamp.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Values in an SQLite file, in the reference's table {@code modstamps(modstamp PRIMARY KEY, value)}: a
 * {@link JdbcValueStore} in WAL mode with {@code synchronous=FULL}, so a change is on disk when
 * {@link JdbcValueStore#putAll} returns.
 */
public final class SqliteValueStore {
    private SqliteValueStore() {
    }

    /** Opens (creating if needed) the database file and loads its values. */
    public static JdbcValueStore open(Path file) throws StoreException {
        String name = "SQLite database " + file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot open " + name + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(5_000);
        // the driver itself, not DriverManager: in an application server the driver's class loader (the
        // application's) is not one DriverManager searches
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return JdbcValueStore.open(source, name);
    }
}
