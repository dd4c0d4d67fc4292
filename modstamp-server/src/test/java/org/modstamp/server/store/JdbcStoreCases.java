package org.modstamp.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.testing.DatabaseServerExtension;
import org.modstamp.testing.TestDatabase;
import org.modstamp.wire.Watches;

/**
 * The JDBC store on a real database server, run on each one the store supports ({@link JdbcStorePostgresTest},
 * {@link JdbcStoreMariaDbTest}): the dialect's table and upsert, binary values, case-sensitive ids, and a
 * database that restarts while changes are made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreCases {
    @RegisterExtension
    final DatabaseServerExtension database = new DatabaseServerExtension(this::startDatabase);

    /** Starts the database server that this class's tests run on. */
    abstract TestDatabase startDatabase() throws Exception;

    /** The database without the tables {@code modstamps} and {@code modstamps_revision}, for one test. */
    private DataSource freshDatabase() throws Exception {
        database.server().dropTable("modstamps");
        database.server().dropTable("modstamps_revision");
        return new DriverDataSource(database.server().jdbcUrl(), null);
    }

    /** Kills the database server (as a crash would) or, with {@code start}, starts it again. */
    private void restartDatabase(boolean start) throws Exception {
        if (start) {
            database.server().startServer();
        } else {
            database.server().kill();
        }
    }

    @Test
    void createsItsTableAndKeepsBinaryValuesAndDeletesAcrossReopening() throws Exception {
        DataSource database = freshDatabase();
        long epoch;
        try (JdbcValueStore store = JdbcValueStore.open(database, "the test's database")) {
            Map<String, byte[]> changes = new LinkedHashMap<>();
            changes.put("a", new byte[] {0, (byte) 0xff, 10});
            changes.put("b", "two".getBytes());
            assertEquals(0, store.position().revision());
            assertEquals(2, store.putAll(changes));
            assertEquals(3, store.putAll(Map.of("b", ValueStore.NONE)));
            epoch = store.position().epoch();
        }
        try (JdbcValueStore store = JdbcValueStore.open(database, "the test's database")) {
            assertArrayEquals(new byte[] {0, (byte) 0xff, 10}, store.get("a"));
            assertEquals(0, store.get("b").length, "deleted");
            assertEquals(1, store.size());
            assertEquals(new Watches.Position(epoch, 3), store.position(), "the epoch and revision are kept");
        }
    }

    /**
     * The revision is counted in the database, not from memory: two stores on one database (or a commit that
     * landed though it was reported failed) never hand out the same revision twice.
     */
    @Test
    void twoStoresOnOneDatabaseNeverHandOutTheSameRevision() throws Exception {
        DataSource database = freshDatabase();
        try (JdbcValueStore a = JdbcValueStore.open(database, "the test's database");
             JdbcValueStore b = JdbcValueStore.open(database, "the test's database")) {
            assertEquals(a.position().epoch(), b.position().epoch());
            assertEquals(1, a.putAll(Map.of("x", "1".getBytes())));
            assertEquals(3, b.putAll(Map.of("y", "1".getBytes(), "z", "1".getBytes())));
            assertEquals(4, a.putAll(Map.of("x", "2".getBytes())), "after b's, not a's own count");
            assertEquals(4, a.position().revision());
        }
    }

    /**
     * A DBA may hand the server a table it can read but not write: changes are refused with an error that names
     * the table and the DataSource, nothing is half-stored, and once the right is given the same store writes
     * again. (The right is taken before the store connects: MariaDB applies a change of database-wide rights to
     * sessions opened after it.)
     */
    @Test
    void withoutTheRightToWriteChangesAreRefusedNamingTheTableAndTheDataSource() throws Exception {
        DataSource source = freshDatabase();
        try (JdbcValueStore store = JdbcValueStore.open(source, "jdbc/modstamps")) {
            store.putAll(Map.of("a", "1".getBytes()));
        }
        database.server().allowWrites(false);
        try (JdbcValueStore store = JdbcValueStore.open(source, "jdbc/modstamps")) {
            try {
                StoreException refused = assertThrows(StoreException.class, () -> store.putAll(Map.of("a", "2".getBytes())));
                assertTrue(refused.getMessage().contains("the table modstamps of jdbc/modstamps"), refused.getMessage());
                assertArrayEquals("1".getBytes(), store.get("a"), "a refused change is not served");
                assertEquals(1, store.position().revision(), "nor does it take a revision");
            } finally {
                database.server().allowWrites(true);
            }
            assertEquals(2, store.putAll(Map.of("a", "3".getBytes())));
        }
        try (JdbcValueStore store = JdbcValueStore.open(source, "jdbc/modstamps")) {
            assertArrayEquals("3".getBytes(), store.get("a"));
            assertEquals(2, store.position().revision());
        }
    }

    /** Without the right to create the missing table, opening fails with an error naming it and the DataSource. */
    @Test
    void withoutTheRightToCreateItsTableOpeningFailsNamingTheTableAndTheDataSource() throws Exception {
        DataSource source = freshDatabase();
        database.server().allowCreate(false);
        try {
            StoreException refused = assertThrows(StoreException.class, () -> JdbcValueStore.open(source, "jdbc/modstamps"));
            assertTrue(refused.getMessage().contains("the table modstamps of jdbc/modstamps"), refused.getMessage());
        } finally {
            database.server().allowCreate(true);
        }
    }

    @Test
    void idsAreCaseSensitive() throws Exception {
        DataSource database = freshDatabase();
        try (JdbcValueStore store = JdbcValueStore.open(database, "the test's database")) {
            store.putAll(Map.of("Orders", "1".getBytes()));
            store.putAll(Map.of("orders", "2".getBytes()));
        }
        try (JdbcValueStore store = JdbcValueStore.open(database, "the test's database")) {
            assertArrayEquals("1".getBytes(), store.get("Orders"));
            assertArrayEquals("2".getBytes(), store.get("orders"));
        }
    }

    /**
     * A server on the database, a stream of pushes, the database killed in the middle and started again: the
     * pushes made meanwhile are not confirmed (no M), every one after is, and the database ends with the last
     * confirmed value of every id.
     */
    @Test
    void aServerLosesNoConfirmedChangeWhenItsDatabaseRestartsInTheMiddleOfAStream() throws Exception {
        DataSource database = freshDatabase();
        Map<String, String> confirmed = new LinkedHashMap<>();
        int unconfirmed = 0;
        try (ModstampServer server = ModstampServer.start(ServerConfig.defaults().withListen(
                new InetSocketAddress("127.0.0.1", 0)), JdbcValueStore.open(database, "the test's database"));
             ModstampClient producer = ModstampClient.open(server.localAddress(),
                     ClientConfig.defaults().withRequestTimeout(Duration.ofMillis(300)))) {
            for (int i = 0; i < 200; i++) {
                if (i == 80) {
                    restartDatabase(false);
                } else if (i == 100) {
                    restartDatabase(true);
                }
                String id = "s" + i % 10;
                String value = "v" + i;
                if (value.equals(producer.push(Map.of(id, value)).get(id))) {
                    confirmed.put(id, value);
                    assertTrue(i < 80 || i >= 100, "a change confirmed while the database was down: " + value);
                } else {
                    unconfirmed++;
                    assertTrue(i >= 80 && i < 110, "a change not confirmed with the database up: " + value);
                }
            }
        }
        assertTrue(unconfirmed >= 20, "the pushes made while the database was down were refused: " + unconfirmed);
        try (JdbcValueStore store = JdbcValueStore.open(database, "the test's database")) {
            confirmed.forEach((id, value) -> assertArrayEquals(value.getBytes(), store.get(id), "the last confirmed " + id));
        }
    }

    /** While the database is down a batch fails (no M for it); once it is back the store goes on, nothing lost. */
    @Test
    void aDatabaseThatRestartsRefusesChangesMeanwhileAndLosesNoConfirmedOne() throws Exception {
        DataSource database = freshDatabase();
        try (JdbcValueStore store = JdbcValueStore.open(database, "the test's database")) {
            store.putAll(Map.of("r", "before".getBytes()));
            restartDatabase(false);
            assertThrows(StoreException.class, () -> store.putAll(Map.of("r", "during".getBytes())));
            restartDatabase(true);
            store.putAll(Map.of("r", "after".getBytes()));
            store.putAll(Map.of("s", "1".getBytes()));
        }
        try (JdbcValueStore store = JdbcValueStore.open(database, "the test's database")) {
            assertArrayEquals("after".getBytes(), store.get("r"));
            assertArrayEquals("1".getBytes(), store.get("s"));
        }
    }
}
