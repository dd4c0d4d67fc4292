package org.modstamp.server.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.modstamp.security.Permission;
import org.modstamp.wire.DatagramHeader;

/** Bad configuration is reported with the name of the property. */
class ServerSettingsTest {
    private static ServerSettings defaults() {
        ServerSettings s = new ServerSettings();
        s.listen = "127.0.0.1:0";
        s.store = "sqlite";
        s.db = "modstamp.db";
        s.profileFile = " ";
        s.profileInline = " ";
        s.listenerTtl = "300";
        s.maxPacketSize = "1300";
        s.broadcastRepeat = "1";
        s.ioThreads = "1";
        s.adminHosts = "127.0.0.1,::1";
        s.datasource = "java:comp/DefaultDataSource";
        s.redis = "redis://localhost:6379/0";
        s.redisPrefix = "modstamp:";
        s.redisReplicas = "0";
        s.redisReplicasTimeout = "500";
        s.redisPassword = " ";
        s.redisPasswordFile = " ";
        s.redisTruststore = " ";
        s.listenersPerAddress = "100000";
        s.signalsPerSecond = "10000";
        s.replyAmplification = "3.0";
        s.ipv4Prefix = "24";
        s.ipv6Prefix = "64";
        s.plainListeners = "250000";
        s.listeners = "1000000";
        s.replyBytesPerSecond = "65536";
        s.replyBurst = "262144";
        return s;
    }

    private static void assertFails(ServerSettings settings, String... expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> {
            settings.serverConfig();
            settings.transportConfig();
            settings.adminHosts();
            settings.openStore().close();
        });
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void defaultsMakeAServerConfig() throws Exception {
        var config = defaults().serverConfig();
        assertEquals(1300, config.maxPacketSize());
        assertEquals(Permission.READ_WRITE, config.profiles().permissionFor(DatagramHeader.PLAIN,
                java.net.InetAddress.getByName("::1")));
    }

    @Test
    void redisSettingsComeFromTheirPropertiesAndHideThePassword() {
        ServerSettings s = defaults();
        s.store = "redis";
        s.redis = "rediss-sentinel://modstamp@s1,s2:26380/mymaster?db=2";
        s.redisPassword = "from-the-environment";
        s.redisReplicas = "1";
        var redis = s.redisSettings();
        assertEquals(1, redis.replicas());
        assertTrue(redis.hasPassword());
        assertEquals("rediss-sentinel://modstamp:***@s1:26379,s2:26380/mymaster?db=2 (prefix modstamp:, 1 replica(s) "
                + "acknowledge each change within 500 ms)", s.describeStore());
    }

    @Test
    void eachMistakeNamesItsProperty() {
        ServerSettings s = defaults();
        s.listen = "127.0.0.1:99999";
        assertFails(s, "modstamp.listen", "0..65535");
        s = defaults();
        s.maxPacketSize = "10";
        assertFails(s, "modstamp.maxPacketSize");
        s = defaults();
        s.listenerTtl = "soon";
        assertFails(s, "modstamp.listenerTtl");
        s = defaults();
        s.profileInline = "- encryption: plain\n  permission: rwx\n";
        assertFails(s, "modstamp.profile", "entry 1, field 'permission'");
        s = defaults();
        s.profileFile = "/nonexistent/profiles.yaml";
        assertFails(s, "modstamp.profile", "/nonexistent/profiles.yaml");
        s = defaults();
        s.store = "mongodb";
        assertFails(s, "modstamp.store", "sqlite, jdbc, memory, redis");
        s = defaults();
        s.store = "jdbc";
        s.datasource = "java:comp/env/jdbc/missing";
        assertFails(s, "modstamp.datasource", "no DataSource is bound at 'java:comp/env/jdbc/missing'");
        s = defaults();
        s.signalsPerSecond = "0";
        assertFails(s, "modstamp.limits", "signalsPerSecondPerAddress");
        s = defaults();
        s.ioThreads = "99";
        assertFails(s, "modstamp.ioThreads", "0 (one per core) .. 64");
        s = defaults();
        s.store = "redis";
        s.redis = "redis://:secret@localhost:6379/x";
        assertFails(s, "modstamp.redis", "redis://:***@localhost:6379/x", "database 'x'");
        s = defaults();
        s.store = "redis";
        s.redisReplicas = "many";
        assertFails(s, "modstamp.redis.replicas");
        s = defaults();
        s.store = "redis";
        s.redisPasswordFile = "/nonexistent/redis-password";
        assertFails(s, "modstamp.redis", "/nonexistent/redis-password");
        s = defaults();
        s.adminHosts = "everyone";
        assertFails(s, "modstamp.admin.hosts");
    }
}
