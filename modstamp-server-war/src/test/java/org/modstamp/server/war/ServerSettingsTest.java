package org.modstamp.server.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.modstamp.security.Permission;
import org.modstamp.wire.DatagramHeader;

/**
 * Bad configuration is reported with the name of the property (the server's settings themselves are
 * ModstampSettingsTest's): here, what the WAR adds, the HTTP settings and the container's DataSource.
 */
class ServerSettingsTest {
    private final Map<String, String> properties = new HashMap<>();

    private ServerSettings settings() {
        ServerSettings s = new ServerSettings();
        s.lookup = name -> Optional.ofNullable(properties.get(name));
        s.adminHosts = "127.0.0.1,::1";
        s.adminToken = " ";
        s.httpHosts = " ";
        return s;
    }

    private static void assertFails(ServerSettings settings, String... expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> {
            settings.serverConfig();
            settings.transportConfig();
            settings.adminHosts();
            settings.adminToken();
            settings.openStore().close();
        });
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void defaultsMakeAServerConfig() throws Exception {
        properties.put("modstamp.listen", "127.0.0.1:0");
        var config = settings().serverConfig();
        assertEquals(1300, config.maxPacketSize());
        assertEquals(0, config.listen().getPort());
        assertEquals(Permission.READ_WRITE, config.profiles().permissionFor(DatagramHeader.PLAIN,
                java.net.InetAddress.getByName("::1")));
        assertEquals(1, settings().transportConfig().threads());
    }

    @Test
    void eachMistakeNamesItsProperty() {
        properties.put("modstamp.listen", "127.0.0.1:99999");
        assertFails(settings(), "modstamp.listen", "0..65535");
        properties.clear();
        properties.put("modstamp.store", "jdbc");
        properties.put("modstamp.datasource", "java:comp/env/jdbc/missing");
        assertFails(settings(), "modstamp.datasource", "no DataSource is bound at 'java:comp/env/jdbc/missing'");
        properties.clear();
        properties.put("modstamp.ioThreads", "99");
        assertFails(settings(), "modstamp.ioThreads", "0 (one per core) .. 64");
        properties.clear();
        ServerSettings s = settings();
        s.adminHosts = "everyone";
        assertFails(s, "modstamp.admin.hosts");
        s = settings();
        s.adminToken = "short";
        assertFails(s, "modstamp.admin.token", "at least 16 characters");
    }
}
