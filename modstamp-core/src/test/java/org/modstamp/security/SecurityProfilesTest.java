package org.modstamp.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.security.SecurityProfileLoader.Format;
import org.modstamp.wire.DatagramHeader;

class SecurityProfilesTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void hostPatternsMatchAddressesAndRanges() throws Exception {
        assertTrue(HostPattern.parse("127.0.0.1").matches(ip("127.0.0.1")));
        assertFalse(HostPattern.parse("127.0.0.1").matches(ip("127.0.0.2")));
        assertTrue(HostPattern.parse("10.0.0.0/8").matches(ip("10.200.3.4")));
        assertFalse(HostPattern.parse("10.0.0.0/8").matches(ip("11.0.0.1")));
        assertTrue(HostPattern.parse("192.168.1.128/25").matches(ip("192.168.1.255")));
        assertFalse(HostPattern.parse("192.168.1.128/25").matches(ip("192.168.1.127")));
        assertTrue(HostPattern.parse("0.0.0.0/0").matches(ip("8.8.8.8")));
        assertTrue(HostPattern.parse("::1").matches(ip("::1")));
        assertTrue(HostPattern.parse("fd00::/8").matches(ip("fdab::1")));
        assertFalse(HostPattern.parse("fd00::/8").matches(ip("fe80::1")));
        assertFalse(HostPattern.parse("::1").matches(ip("127.0.0.1")), "families do not mix");
        assertFalse(HostPattern.parse("::").matches(ip("127.0.0.1")), "the reference's '::' matches no real sender");
    }

    @Test
    void ipv4SenderOnDualStackSocketMatchesItsIpv4Form() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        InetAddress sender = Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(sender instanceof Inet6Address);
        assertTrue(HostPattern.parse("127.0.0.0/8").matches(sender));
        assertTrue(HostPattern.parse("::ffff:127.0.0.1").matches(ip("127.0.0.1")));
    }

    @Test
    void hostPatternErrorsSayWhatIsAllowed() {
        var e = assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("example.com"));
        assertTrue(e.getMessage().contains("no host names"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("10.0.0.0/33"));
        assertTrue(e.getMessage().contains("0..32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("::1/129"));
        assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("300.1.1.1"));
    }

    @Test
    void serverDefaultGivesRwToLoopbackAndRoToOthers() throws Exception {
        SecurityProfiles profiles = SecurityProfiles.serverDefault();
        assertEquals(Permission.READ_WRITE, profiles.permissionFor(DatagramHeader.PLAIN, ip("127.0.0.1")));
        assertEquals(Permission.READ_WRITE, profiles.permissionFor(DatagramHeader.PLAIN, ip("::1")));
        assertEquals(Permission.READ_ONLY, profiles.permissionFor(DatagramHeader.PLAIN, ip("127.0.0.2")));
        assertEquals(Permission.READ_ONLY, profiles.permissionFor(new DatagramHeader("p", "X"), ip("10.1.1.1")));
        assertEquals(Permission.NONE, profiles.permissionFor(new DatagramHeader("x", ""), ip("127.0.0.1")),
                "unknown signature matches no profile");
    }

    @Test
    void profileIdMustMatchWhenSet() throws Exception {
        SecurityProfiles profiles = SecurityProfileLoader.parse(
                "[{\"encryption\":\"plain\",\"permission\":\"rw\",\"id\":\"ops\"},{\"encryption\":\"plain\",\"permission\":\"none\"}]",
                Format.JSON);
        assertEquals(Permission.READ_WRITE, profiles.permissionFor(new DatagramHeader("p", "ops"), ip("10.0.0.1")));
        assertEquals(Permission.NONE, profiles.permissionFor(new DatagramHeader("p", "dev"), ip("10.0.0.1")));
        assertEquals(Permission.NONE, profiles.permissionFor(DatagramHeader.PLAIN, ip("10.0.0.1")));
    }

    @Test
    void loadsYamlAndJsonFiles(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("profiles.yaml");
        Files.writeString(yaml, """
                - encryption: plain
                  permission: rw
                  hosts: [127.0.0.1, "::1", 10.0.0.0/8]
                - encryption: plain
                  permission: default
                """);
        SecurityProfiles fromYaml = SecurityProfileLoader.load(yaml);
        assertEquals(2, fromYaml.entries().size());
        assertEquals(Permission.READ_WRITE, fromYaml.permissionFor(DatagramHeader.PLAIN, ip("10.9.9.9")));
        assertEquals(Permission.READ_ONLY, fromYaml.permissionFor(DatagramHeader.PLAIN, ip("11.9.9.9")));
        Path json = dir.resolve("profiles.json");
        Files.writeString(json, "[{\"encryption\": \"plain\", \"permission\": \"ro\"}]");
        assertEquals(Permission.READ_ONLY,
                SecurityProfileLoader.load(json).permissionFor(DatagramHeader.PLAIN, ip("127.0.0.1")));
    }

    @Test
    void errorsNameTheEntryAndTheField() {
        assertError("[{\"encryption\":\"plain\"},{\"encryption\":\"aes\"}]", "entry 2, field 'encryption': 'aes' is not one of plain");
        assertError("[{\"encryption\":\"plain\",\"permission\":\"rwx\"}]", "entry 1, field 'permission': 'rwx' is not one of none, ro, rw, default");
        assertError("[{\"permission\":\"rw\"}]", "entry 1: field 'encryption' is required");
        assertError("[{\"encryption\":\"plain\",\"hsts\":[]}]", "entry 1: unknown field 'hsts'");
        assertError("[{\"encryption\":\"plain\",\"hosts\":[\"127.0.0.1\",\"bad host\"]}]", "entry 1, field 'hosts', item 2");
        assertError("[{\"encryption\":\"plain\",\"hosts\":\"127.0.0.1\"}]", "field 'hosts': must be a list");
        assertError("{\"encryption\":\"plain\"}", "must be a JSON list");
        assertError("[", "not valid JSON");
        assertError("[]", "is empty");
    }

    private static void assertError(String json, String expected) {
        var e = assertThrows(InvalidProfileException.class, () -> SecurityProfileLoader.parse(json, Format.JSON));
        assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
    }
}
