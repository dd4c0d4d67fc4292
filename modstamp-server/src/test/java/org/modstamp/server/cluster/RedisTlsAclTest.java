package org.modstamp.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.RedisSettings;
import org.modstamp.server.store.RedisValueStore;
import org.modstamp.server.store.StoreException;

/**
 * A redis-server that speaks only TLS (a throwaway CA and certificate made by the test with openssl) to
 * an ACL user allowed nothing but the keys and channel under the prefix: instances share values through
 * it, and a wrong password or an untrusted certificate fails with a clear message that hides the password.
 */
class RedisTlsAclTest {
    private static final String PREFIX = "tls:";
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;
    private Path ca;
    private Path cert;
    private Path key;

    @BeforeEach
    void makeCertificates() throws Exception {
        ca = dir.resolve("ca.pem");
        cert = dir.resolve("server.pem");
        key = dir.resolve("server.key");
        Path caKey = dir.resolve("ca.key");
        Path request = dir.resolve("server.csr");
        Path extensions = Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        // EC keys: made in milliseconds, where RSA takes a good part of a second
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "1", "-subj", "/CN=modstamp test CA");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=localhost");
        openssl("x509", "-req", "-in", request.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "1", "-extfile", extensions.toString());
    }

    private void openssl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("openssl.log").toFile())).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl finished");
        assertEquals(0, process.exitValue(), () -> "openssl " + command + ": " + read(dir.resolve("openssl.log")));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /**
     * TLS on its own port; the plain port only tells the test that the server is up (the default user is
     * off, so nothing can be done through it).
     */
    private RedisProcess startTlsRedis(int tlsPort) throws Exception {
        return RedisProcess.start(Files.createDirectories(dir.resolve("redis")), List.of(
                "--tls-port", String.valueOf(tlsPort), "--tls-cert-file", cert.toString(),
                "--tls-key-file", key.toString(), "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no",
                "--user", "modstamp", "on", ">" + PASSWORD, "resetkeys", "~" + PREFIX + "*", "resetchannels",
                "&" + PREFIX + "*", "-@all", "+@read", "+@write", "+@pubsub", "+@scripting", "+@connection", "+wait",
                "-@dangerous", "--user", "default", "off"));
    }

    private static ModstampServer instance(RedisSettings settings) throws Exception {
        return ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)),
                RedisValueStore.open(settings));
    }

    @Test
    void instancesShareValuesOverTlsAsAnAclUserWithThePasswordFromAFile() throws Exception {
        int tlsPort = RedisProcess.freePort();
        Path passwordFile = Files.writeString(dir.resolve("redis-password"), PASSWORD + "\n");
        try (RedisProcess redis = startTlsRedis(tlsPort)) {
            RedisSettings fromFile = RedisSettings.of("rediss://modstamp@127.0.0.1:" + tlsPort + "/0", PREFIX, 0,
                    RedisSettings.DEFAULT_REPLICAS_TIMEOUT, null, passwordFile, ca);
            RedisSettings inUri = RedisSettings.of("rediss://modstamp:" + PASSWORD.replace(" ", "%20") + "@localhost:"
                    + tlsPort, PREFIX, 0, RedisSettings.DEFAULT_REPLICAS_TIMEOUT, null, null, ca);
            assertFalse(inUri.toString().contains(PASSWORD), inUri.toString());
            try (ModstampServer one = instance(fromFile); ModstampServer two = instance(inUri);
                 ModstampClient producer = ModstampClient.open(new InetSocketAddress("127.0.0.1", one.port()),
                         ClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(2)));
                 ModstampClient reader = ModstampClient.open(new InetSocketAddress("127.0.0.1", two.port()),
                         ClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(2)))) {
                assertEquals(Map.of("k", "v1"), producer.push(Map.of("k", "v1")), "stored over TLS, as the ACL user");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                String heard = null;
                while (!"v1".equals(heard) && System.nanoTime() < deadline) {
                    heard = reader.get(List.of("k")).get("k"); // instance two heard it on the prefix's channel
                }
                assertEquals("v1", heard);
                one.checkStore();
            }
        }
    }

    @Test
    void theSentinelFormSpeaksTlsToTheSentinelsAndThePrimary() throws Exception {
        int tlsPort = RedisProcess.freePort();
        int sentinelTlsPort = RedisProcess.freePort();
        List<String> tls = List.of("tls-cert-file " + cert, "tls-key-file " + key, "tls-ca-cert-file " + ca,
                "tls-auth-clients no", "tls-replication yes");
        try (RedisProcess redis = RedisProcess.start(Files.createDirectories(dir.resolve("primary")), List.of(
                "--tls-port", String.valueOf(tlsPort), "--tls-cert-file", cert.toString(), "--tls-key-file",
                key.toString(), "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no"));
             RedisProcess sentinel = RedisProcess.sentinel(dir.resolve("sentinel"), "tlsprimary", tlsPort, 1,
                     java.util.stream.Stream.concat(tls.stream(), java.util.stream.Stream.of(
                             "tls-port " + sentinelTlsPort)).toList())) {
            RedisSettings settings = RedisSettings.of("rediss-sentinel://127.0.0.1:" + sentinelTlsPort + "/tlsprimary",
                    PREFIX, 0, RedisSettings.DEFAULT_REPLICAS_TIMEOUT, null, null, ca);
            try (ModstampServer one = instance(settings);
                 ModstampClient producer = ModstampClient.open(new InetSocketAddress("127.0.0.1", one.port()),
                         ClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(2)))) {
                assertEquals(Map.of("s", "1"), producer.push(Map.of("s", "1")),
                        "stored in the primary the sentinel named, both over TLS");
            }
            try (var jedis = redis.connect()) {
                assertEquals("1", jedis.hget(PREFIX + "values", "s"));
            }
        }
    }

    @Test
    void aWrongPasswordOrAnUntrustedCertificateIsNamedWithoutThePassword() throws Exception {
        int tlsPort = RedisProcess.freePort();
        try (RedisProcess redis = startTlsRedis(tlsPort)) {
            String wrong = "not-the-password";
            StoreException refused = assertThrows(StoreException.class, () -> RedisValueStore.open(RedisSettings.of(
                    "rediss://modstamp:" + wrong + "@127.0.0.1:" + tlsPort + "/0", PREFIX, 0,
                    RedisSettings.DEFAULT_REPLICAS_TIMEOUT, null, null, ca)).close());
            System.out.println("wrong password: " + refused.getMessage());
            assertTrue(refused.getMessage().contains("rediss://modstamp:***@127.0.0.1:" + tlsPort + "/0"),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("refused the credentials of user 'modstamp'"), refused.getMessage());
            assertFalse(refused.getMessage().contains(wrong), refused.getMessage());

            StoreException untrusted = assertThrows(StoreException.class, () -> RedisValueStore.open(RedisSettings.of(
                    "rediss://modstamp@127.0.0.1:" + tlsPort + "/0", PREFIX, 0, RedisSettings.DEFAULT_REPLICAS_TIMEOUT,
                    PASSWORD, null, null)).close());
            System.out.println("untrusted certificate: " + untrusted.getMessage());
            assertTrue(untrusted.getMessage().contains("rediss://modstamp:***@127.0.0.1:" + tlsPort + "/0"),
                    untrusted.getMessage());
            assertTrue(untrusted.getMessage().contains("TLS handshake failed"), untrusted.getMessage());
            assertTrue(untrusted.getMessage().contains("truststore"), untrusted.getMessage());
            assertFalse(untrusted.getMessage().contains(PASSWORD), untrusted.getMessage());
        }
    }
}
