package org.modstamp.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.UdpPeers;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

class SqliteValueStoreTest {
    @TempDir
    Path dir;

    @Test
    void valuesSurviveReopeningAndDeletesRemoveRows() throws Exception {
        Path db = dir.resolve("values.db");
        long epoch;
        try (var store = SqliteValueStore.open(db)) {
            Map<String, byte[]> changes = new LinkedHashMap<>();
            changes.put("a", new byte[] {0, (byte) 0xff, 10});
            changes.put("b", "two".getBytes());
            store.putAll(changes);
            store.putAll(Map.of("b", ValueStore.NONE));
            epoch = store.position().epoch();
        }
        try (var store = SqliteValueStore.open(db)) {
            assertArrayEquals(new byte[] {0, (byte) 0xff, 10}, store.get("a"));
            assertEquals(0, store.get("b").length);
            assertEquals(1, store.size());
            assertEquals(new org.modstamp.wire.Watches.Position(epoch, 3), store.position(),
                    "the epoch and the revision (3 changes) are stored with the values");
        }
        assertTrue(epoch != 0);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM modstamps")) {
            rows.next();
            assertEquals(1, rows.getInt(1), "the reference's table, one row per id with a value");
        }
    }

    @Test
    void readsADatabaseWrittenByTheReference() throws Exception {
        Path db = dir.resolve("reference.db");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.createStatement().executeUpdate("CREATE TABLE modstamps(modstamp PRIMARY KEY, value)");
            c.createStatement().executeUpdate("INSERT INTO modstamps VALUES ('test', 'abc')");
        }
        try (var store = SqliteValueStore.open(db)) {
            assertArrayEquals("abc".getBytes(), store.get("test"));
        }
    }

    @Test
    void aFileThatIsNotADatabaseFailsWithItsName() throws Exception {
        Path bad = dir.resolve("not-a.db");
        Files.writeString(bad, "this is not sqlite, ".repeat(100));
        StoreException e = assertThrows(StoreException.class, () -> {
            try (var store = SqliteValueStore.open(bad)) {
                store.get("x");
            }
        });
        assertTrue(e.getMessage().contains("not-a.db"), e.getMessage());
    }

    @Test
    void serverRestartedOnTheSameFileAnswersWithTheStoredValue() throws Exception {
        Path db = dir.resolve("restart.db");
        ServerConfig config = ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0));
        try (UdpPeers peers = new UdpPeers().add("P", "127.0.0.1")) {
            try (ModstampServer server = ModstampServer.start(config, SqliteValueStore.open(db))) {
                peers.send("P", MessageEncoder.plainDatagram(Message.change("kept", "v1".getBytes())),
                        new InetSocketAddress("127.0.0.1", server.port()));
                assertEquals(1, peers.collect(1, 2000, 0).size());
            }
            try (ModstampServer server = ModstampServer.start(config, SqliteValueStore.open(db))) {
                peers.send("P", MessageEncoder.plainDatagram(Message.query("kept")),
                        new InetSocketAddress("127.0.0.1", server.port()));
                assertEquals(List.of("P: 00520204" + "6b657074" + "02" + "7631"), peers.collect(1, 2000, 0));
            }
        }
    }
}
