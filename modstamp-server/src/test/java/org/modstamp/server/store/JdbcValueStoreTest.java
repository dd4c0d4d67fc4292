package org.modstamp.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on a second real database, H2 (SQLite has {@link SqliteValueStoreTest}). */
class JdbcValueStoreTest {
    @TempDir
    Path dir;

    private JdbcDataSource h2() {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:" + dir.resolve("values") + ";DB_CLOSE_DELAY=0");
        return source;
    }

    @Test
    void createsTheTableAndKeepsValuesAcrossReopening() throws Exception {
        try (JdbcValueStore store = JdbcValueStore.open(h2(), "h2")) {
            Map<String, byte[]> changes = new LinkedHashMap<>();
            changes.put("a", new byte[] {0, (byte) 0xff, 10});
            changes.put("b", "two".getBytes());
            store.putAll(changes);
            store.putAll(Map.of("a", "one".getBytes(), "b", ValueStore.NONE));
        }
        try (JdbcValueStore store = JdbcValueStore.open(h2(), "h2")) {
            assertArrayEquals("one".getBytes(), store.get("a"));
            assertEquals(0, store.get("b").length);
            assertEquals(1, store.size());
        }
        try (Connection c = h2().getConnection();
             ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM modstamps")) {
            rows.next();
            assertEquals(1, rows.getInt(1), "one row per id with a value");
        }
    }

    @Test
    void aConnectionTheDatabaseClosedIsReplacedWithoutFailingTheBatch() throws Exception {
        JdbcDataSource source = h2();
        try (JdbcValueStore store = JdbcValueStore.open(source, "h2");
             Connection admin = source.getConnection()) {
            store.putAll(Map.of("a", "1".getBytes())); // the store now keeps a connection
            try (ResultSet others = admin.createStatement().executeQuery(
                    "SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()")) {
                int closed = 0;
                while (others.next()) {
                    admin.createStatement().execute("CALL ABORT_SESSION(" + others.getInt(1) + ")");
                    closed++;
                }
                assertEquals(1, closed, "the store's connection was closed by the database");
            }
            store.putAll(Map.of("a", "2".getBytes()));
        }
        try (JdbcValueStore store = JdbcValueStore.open(source, "h2")) {
            assertArrayEquals("2".getBytes(), store.get("a"));
        }
    }

    @Test
    void aFailedBatchChangesNothingAndTheNextConnectionWorks() throws Exception {
        JdbcDataSource source = h2();
        try (JdbcValueStore store = JdbcValueStore.open(source, "h2");
             Connection admin = source.getConnection()) {
            store.putAll(Map.of("kept", "1".getBytes()));
            admin.createStatement().executeUpdate("ALTER TABLE modstamps RENAME TO away");
            StoreException e = assertThrows(StoreException.class, () -> store.putAll(Map.of("lost", "2".getBytes())));
            assertTrue(e.getMessage().startsWith("cannot store 1 change(s) in the table modstamps of h2: "), e.getMessage());
            assertEquals(0, store.get("lost").length, "a value that was not stored is not served either");

            admin.createStatement().executeUpdate("ALTER TABLE away RENAME TO modstamps");
            store.putAll(Map.of("later", "3".getBytes()));
            store.checkReachable();
        }
        try (JdbcValueStore store = JdbcValueStore.open(source, "h2")) {
            assertArrayEquals("1".getBytes(), store.get("kept"));
            assertArrayEquals("3".getBytes(), store.get("later"));
            assertEquals(0, store.get("lost").length);
        }
    }
}
