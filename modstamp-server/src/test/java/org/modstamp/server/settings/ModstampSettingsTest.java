package org.modstamp.server.settings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.security.Permission;
import org.modstamp.server.AbuseLimits;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.server.store.SqliteValueStore;
import org.modstamp.server.store.ValueStore;
import org.modstamp.server.transport.IoKind;
import org.modstamp.server.transport.TransportConfig;
import org.modstamp.wire.DatagramHeader;

/** Named settings into a server's configuration and store; every mistake names its setting. */
class ModstampSettingsTest {
    private static final ModstampSettings.DataSources NONE = name -> {
        throw new IllegalArgumentException("no DataSource is bound at '" + name + "'");
    };

    @TempDir
    Path dir;

    private static ModstampSettings settings(String... namesAndValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return ModstampSettings.of(values);
    }

    private static void assertFails(ModstampSettings settings, String... expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> {
            settings.serverConfig();
            settings.transportConfig();
            settings.openStore(NONE).close();
        });
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    /** What a DataSource is shown as in the banner and in errors: never a password, wherever a URL keeps it. */
    @Test
    void aJdbcUrlIsShownWithoutWhatMayHoldAPassword() {
        assertEquals("jdbc:postgresql://db:5432/app", ModstampSettings.withoutSecrets("jdbc:postgresql://db:5432/app?user=u&password=s"));
        assertEquals("jdbc:mysql://db/app", ModstampSettings.withoutSecrets("jdbc:mysql://u:s@db/app"));
        assertEquals("jdbc:h2:tcp://db/app", ModstampSettings.withoutSecrets("jdbc:h2:tcp://db/app;USER=u;PASSWORD=s"));
        assertEquals("java:app/jdbc/values", ModstampSettings.withoutSecrets("java:app/jdbc/values"));
    }

    /** A driver that quotes the URL it was given (none takes it) does not show its password either. */
    @Test
    void aStoreThatCannotOpenNamesItsUrlWithoutThePassword() {
        String url = "jdbc:nosuchdb://db/app?password=not-the-secret";
        ModstampSettings settings = ModstampSettings.from(name -> java.util.Optional.ofNullable(Map.of(
                Settings.STORE.name(), "jdbc", Settings.DATASOURCE.name(), url).get(name)), name -> name);
        var e = assertThrows(org.modstamp.server.store.StoreException.class,
                () -> settings.openStore(given -> new org.modstamp.server.store.DriverDataSource(given, null)));
        assertTrue(e.getMessage().contains("jdbc:nosuchdb://db/app") && !e.getMessage().contains("not-the-secret"),
                e.getMessage());
    }

    @Test
    void noSettingsAreTheDefaults() {
        ModstampSettings settings = settings();
        ServerConfig config = settings.serverConfig();
        ServerConfig defaults = ServerConfig.defaults();
        assertEquals(defaults.listen(), config.listen());
        assertEquals(defaults.maxPacketSize(), config.maxPacketSize());
        assertEquals(defaults.broadcastRepeat(), config.broadcastRepeat());
        assertEquals(defaults.listenerTtl(), config.listenerTtl());
        assertEquals(AbuseLimits.defaults(), config.limits());
        assertEquals(Permission.READ_WRITE, config.profiles().permissionFor(DatagramHeader.PLAIN,
                InetAddress.getLoopbackAddress()));
        assertEquals(TransportConfig.defaults(), settings.transportConfig());
        assertEquals("sqlite", settings.storeKind());
        assertEquals(Path.of("modstamp.db").toAbsolutePath().toString(), settings.describeStore());
    }

    @Test
    void everySettingIsRead() throws Exception {
        Path db = dir.resolve("values.db");
        ModstampSettings settings = settings("modstamp.listen", "127.0.0.1:0", "modstamp.maxPacketSize", "1200",
                "modstamp.broadcastRepeat", "2", "modstamp.listenerTtl", "60",
                "modstamp.profile.inline", "- encryption: plain\n  permission: ro\n",
                "modstamp.io", "nio", "modstamp.ioThreads", "1", "modstamp.db", db.toString(),
                "modstamp.limits.listenersPerAddress", "10", "modstamp.limits.signalsPerSecond", "20",
                "modstamp.limits.replyAmplification", "2.5", "modstamp.limits.ipv4Prefix", "16",
                "modstamp.limits.ipv6Prefix", "48", "modstamp.limits.plainListeners", "30",
                "modstamp.limits.listeners", "40", "modstamp.limits.replyBytesPerSecond", "50",
                "modstamp.limits.replyBurst", "1000");
        ServerConfig config = settings.serverConfig();
        assertEquals(0, config.listen().getPort());
        assertEquals(1200, config.maxPacketSize());
        assertEquals(2, config.broadcastRepeat());
        assertEquals(Duration.ofSeconds(60), config.listenerTtl());
        assertEquals(Permission.READ_ONLY, config.profiles().permissionFor(DatagramHeader.PLAIN,
                InetAddress.getLoopbackAddress()));
        assertEquals(new AbuseLimits(10, 20, 2.5, AbuseLimits.defaults().replyAllowance(), 16, 48, 30, 40, 50, 1000),
                config.limits());
        assertEquals(new TransportConfig(IoKind.NIO, 1), settings.transportConfig());
        try (ValueStore store = settings.openStore(NONE)) {
            store.putAll(Map.of("k", "v".getBytes()));
        }
        try (ValueStore store = SqliteValueStore.open(db)) { // the SQLite file modstamp.db names
            assertArrayEquals("v".getBytes(), store.get("k"));
        }
        try (ValueStore store = settings("modstamp.store", "memory").openStore(NONE)) {
            assertTrue(store instanceof MemoryValueStore);
        }
    }

    @Test
    void blankIsNotGiven() {
        assertEquals(ServerConfig.defaults().listen(), settings("modstamp.listen", "  ").serverConfig().listen());
    }

    @Test
    void redisSettingsComeFromTheirNamesAndHideThePassword() {
        ModstampSettings settings = settings("modstamp.store", "redis",
                "modstamp.redis", "rediss-sentinel://modstamp@s1,s2:26380/mymaster?db=2",
                "modstamp.redis.password", "from-the-environment", "modstamp.redis.replicas", "1");
        var redis = settings.redisSettings();
        assertEquals(1, redis.replicas());
        assertTrue(redis.hasPassword());
        assertEquals("rediss-sentinel://modstamp:***@s1:26379,s2:26380/mymaster?db=2 (prefix modstamp:, 1 replica(s) "
                + "acknowledge each change within 500 ms)", settings.describeStore());
    }

    @Test
    void eachMistakeNamesItsSetting() {
        assertFails(settings("modstamp.listen", "127.0.0.1:99999"), "modstamp.listen", "0..65535");
        assertFails(settings("modstamp.maxPacketSize", "10"), "modstamp.maxPacketSize");
        assertFails(settings("modstamp.listenerTtl", "soon"), "modstamp.listenerTtl", "'soon' is not a whole number");
        assertFails(settings("modstamp.listenerTtl", "0"), "modstamp.listenerTtl", "1..");
        assertFails(settings("modstamp.broadcastRepeat", "11"), "modstamp.broadcastRepeat", "1..10");
        assertFails(settings("modstamp.profile.inline", "- encryption: plain\n  permission: rwx\n"),
                "modstamp.profile.inline", "entry 1, field 'permission'");
        assertFails(settings("modstamp.profile", "/nonexistent/profiles.yaml"), "modstamp.profile",
                "/nonexistent/profiles.yaml");
        assertFails(settings("modstamp.store", "mongodb"), "modstamp.store", "sqlite, jdbc, memory, redis");
        assertFails(settings("modstamp.store", "jdbc", "modstamp.datasource", "java:comp/env/jdbc/missing"),
                "modstamp.datasource", "no DataSource is bound at 'java:comp/env/jdbc/missing'");
        assertFails(settings("modstamp.limits.signalsPerSecond", "0"), "modstamp.limits.signalsPerSecond",
                "signalsPerSecondPerAddress");
        assertFails(settings("modstamp.limits.plainListeners", "2000000"), "modstamp.limits.plainListeners");
        assertFails(settings("modstamp.limits.replyAmplification", "lots"), "modstamp.limits.replyAmplification");
        assertFails(settings("modstamp.io", "uring"), "modstamp.io", "AUTO, EPOLL, NIO");
        assertFails(settings("modstamp.ioThreads", "99"), "modstamp.ioThreads", "0 (one per core) .. 64");
        assertFails(settings("modstamp.io", "NIO", "modstamp.ioThreads", "2"), "modstamp.ioThreads", "epoll");
        assertFails(settings("modstamp.store", "redis", "modstamp.redis", "redis://:secret@localhost:6379/x"),
                "modstamp.redis", "redis://:***@localhost:6379/x", "database 'x'");
        assertFails(settings("modstamp.store", "redis", "modstamp.redis.replicas", "many"), "modstamp.redis.replicas");
        assertFails(settings("modstamp.store", "redis", "modstamp.redis.passwordFile", "/nonexistent/redis-password"),
                "modstamp.redis", "/nonexistent/redis-password");
    }

    @Test
    void aMistakeIsNamedAsTheCallerShowsTheSetting() {
        ModstampSettings settings = ModstampSettings.from(name -> java.util.Optional.ofNullable(
                Map.of("modstamp.listen", "nowhere:1:2").get(name)), name -> "--" + name.substring("modstamp.".length()));
        var e = assertThrows(IllegalArgumentException.class, settings::serverConfig);
        assertTrue(e.getMessage().startsWith("--listen: "), e.getMessage());
    }
}
