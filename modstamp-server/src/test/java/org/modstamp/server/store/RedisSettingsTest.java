package org.modstamp.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.server.store.RedisSettings.Node;
import org.modstamp.server.store.RedisSettings.Topology;

/** Every URI form the CLI and the WAR take, and that no message ever shows the password. */
class RedisSettingsTest {
    private static final String SECRET = "s3cr#t/p@ss";

    @TempDir
    Path dir;

    @Test
    void standaloneWithDefaults() {
        RedisSettings s = RedisSettings.parse("redis://localhost");
        assertEquals(Topology.STANDALONE, s.topology());
        assertFalse(s.tls());
        assertEquals(List.of(new Node("localhost", 6379)), s.nodes());
        assertEquals(0, s.database());
        assertNull(s.user());
        assertFalse(s.hasPassword());
        assertEquals("modstamp:", s.prefix());
        assertEquals(0, s.replicas());
        assertEquals("redis://localhost:6379/0", s.redactedUri());
        assertEquals("redis://localhost:6379/0 (prefix modstamp:)", s.toString());
    }

    @Test
    void standaloneWithTlsUserPasswordAndDatabase() {
        RedisSettings s = RedisSettings.parse("rediss://modstamp:" + "s3cr%23t%2Fp%40ss" + "@redis.example:6380/3");
        assertTrue(s.tls());
        assertEquals(List.of(new Node("redis.example", 6380)), s.nodes());
        assertEquals(3, s.database());
        assertEquals("modstamp", s.user());
        assertEquals(SECRET, s.password(), "percent-decoded");
        assertEquals("rediss://modstamp:***@redis.example:6380/3", s.redactedUri());
    }

    @Test
    void passwordOnlyAndIpv6() {
        RedisSettings s = RedisSettings.parse("redis://:pw@[::1]:7000/1");
        assertNull(s.user());
        assertEquals("pw", s.password());
        assertEquals(List.of(new Node("::1", 7000)), s.nodes());
        assertEquals("redis://:***@[::1]:7000/1", s.redactedUri());
    }

    @Test
    void sentinelForms() {
        RedisSettings s = RedisSettings.parse("redis-sentinel://s1:26379,s2,[::1]:26380/mymaster?db=2");
        assertEquals(Topology.SENTINEL, s.topology());
        assertFalse(s.tls());
        assertEquals(List.of(new Node("s1", 26379), new Node("s2", 26379), new Node("::1", 26380)), s.nodes());
        assertEquals("mymaster", s.primaryName());
        assertEquals(2, s.database());
        assertEquals("redis-sentinel://s1:26379,s2:26379,[::1]:26380/mymaster?db=2", s.redactedUri());

        RedisSettings tls = RedisSettings.parse("rediss-sentinel://app:pw@s1/prod");
        assertTrue(tls.tls());
        assertEquals("app", tls.user());
        assertEquals(0, tls.database());
        assertEquals("rediss-sentinel://app:***@s1:26379/prod?db=0", tls.redactedUri());
    }

    @Test
    void clusterForms() {
        RedisSettings s = RedisSettings.parse("redis-cluster://n1:7000,n2");
        assertEquals(Topology.CLUSTER, s.topology());
        assertFalse(s.tls());
        assertEquals(List.of(new Node("n1", 7000), new Node("n2", 6379)), s.nodes());
        assertEquals(0, s.database());
        assertEquals("redis-cluster://n1:7000,n2:6379", s.redactedUri());
        RedisSettings tls = RedisSettings.parse("rediss-cluster://app:" + SECRET.replace("#", "%23").replace("/", "%2F")
                .replace("@", "%40") + "@n1:7000");
        assertTrue(tls.tls());
        assertEquals(SECRET, tls.password());
        assertEquals("rediss-cluster://app:***@n1:7000", tls.redactedUri());
        assertRejected(() -> RedisSettings.parse("redis-cluster://app:" + SECRET + "@n1/1"), "database 0 only");
        assertRejected(() -> RedisSettings.parse("redis-cluster://n1?db=1"), "database 0 only");
    }

    @Test
    void replicasPrefixAndTruststore() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        RedisSettings s = RedisSettings.of("rediss://h", "app:", 2, Duration.ofMillis(250), null, null, ca);
        assertEquals(2, s.replicas());
        assertEquals(Duration.ofMillis(250), s.replicasTimeout());
        assertEquals("app:", s.prefix());
        assertEquals(ca, s.truststore());
        assertEquals("rediss://h:6379/0 (prefix app:, 2 replica(s) acknowledge each change within 250 ms)", s.toString());
    }

    @Test
    void passwordFromAFileOrTheEnvironmentIsNeverShown() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), SECRET + "\n");
        RedisSettings fromFile = RedisSettings.of("redis://app@h", "m:", 0, Duration.ofMillis(500), " ", file, null);
        assertEquals(SECRET, fromFile.password());
        assertEquals("redis://app:***@h:6379/0", fromFile.redactedUri());
        RedisSettings inline = RedisSettings.of("redis://h", "m:", 0, Duration.ofMillis(500), SECRET, null, null);
        assertEquals(SECRET, inline.password());
        assertFalse(inline.toString().contains(SECRET));

        assertRejected(() -> RedisSettings.of("redis://:" + SECRET + "@h", "m:", 0, Duration.ofMillis(500), null, file,
                null), "has a password already");
        assertRejected(() -> RedisSettings.of("redis://h", "m:", 0, Duration.ofMillis(500), SECRET, file, null),
                "both inline and as the file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertRejected(() -> RedisSettings.of("redis://h", "m:", 0, Duration.ofMillis(500), null, empty, null),
                "is empty");
    }

    @Test
    void mistakesAreNamedWithoutThePassword() {
        String p = "redis://app:" + SECRET + "@h";
        assertRejected(() -> RedisSettings.parse("http://app:" + SECRET + "@h"), "scheme must be redis, rediss");
        assertRejected(() -> RedisSettings.parse(p + "/zero"), "redis://app:***@h/zero", "database 'zero'");
        assertRejected(() -> RedisSettings.parse(p + ":99999"), "port 99999 is not in 1..65535");
        assertRejected(() -> RedisSettings.parse("redis://app:" + SECRET + "@h1,h2"), "names one host");
        assertRejected(() -> RedisSettings.parse("redis-sentinel://app:" + SECRET + "@s1,s2"), "name the primary");
        assertRejected(() -> RedisSettings.parse("redis-sentinel://s1/m?database=1"), "unknown parameter 'database'");
        assertRejected(() -> RedisSettings.parse("redis://app:100%zz@h"), "percent-encode");
        assertRejected(() -> RedisSettings.parse("redis://h").withReplicas(17, Duration.ofMillis(500)), "0..16");
        assertRejected(() -> RedisSettings.parse("redis://h").withReplicas(1, Duration.ZERO), "1..60000 ms");
        assertRejected(() -> RedisSettings.parse("redis://h").withTruststore(dir.resolve("missing.pem")),
                "not a readable file");
        assertRejected(() -> RedisSettings.parse("redis://h").withPrefix(""), "prefix must not be empty");
    }

    private static void assertRejected(org.junit.jupiter.api.function.Executable parse, String... expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertFalse(e.getMessage().contains(SECRET) || e.getMessage().contains("100%zz"), e.getMessage());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }
}
