package org.modstamp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.server.store.DriverDataSource;
import org.modstamp.server.store.JdbcValueStore;
import org.modstamp.server.store.SqliteValueStore;
import org.modstamp.server.store.ValueStore;
import org.modstamp.testing.MariaDbProcess;
import org.modstamp.testing.PostgresProcess;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/** {@code modstamp serve} as a separate process, as users run it. */
class ServeCommandTest {
    private static final Pattern LISTENING = Pattern.compile("listening on udp (\\S+):(\\d+)");

    @TempDir
    Path dir;

    @Test
    void everyConfirmedChangeSurvivesSigkill() throws Exception {
        Path db = dir.resolve("values.db");
        confirmAndKill(startServer("--listen", "127.0.0.1:0", "--db", db.toString()));
        try (var store = SqliteValueStore.open(db)) {
            assertStored(store);
        }
    }

    /** The same with {@code --jdbc} on PostgreSQL (fsync on), the password kept out of the command line. */
    @Test
    void everyConfirmedChangeSurvivesSigkillOnPostgreSql() throws Exception {
        try (PostgresProcess postgres = PostgresProcess.start(true)) {
            postgres.psql("ALTER USER modstamp PASSWORD 'secret'");
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres?user=modstamp";
            Process server = startServer(Map.of("MODSTAMP_JDBC_PASSWORD", "secret"), "--listen", "127.0.0.1:0",
                    "--jdbc", url);
            confirmAndKill(server);
            try (var store = JdbcValueStore.open(new DriverDataSource(postgres.jdbcUrl(), null), "the test's database")) {
                assertStored(store);
            }
        }
    }

    /**
     * The same on MariaDB (every commit flushed), its password in the URL: neither the banner nor the error of a
     * wrong password shows it.
     */
    @Test
    void everyConfirmedChangeSurvivesSigkillOnMariaDb() throws Exception {
        try (MariaDbProcess mariadb = MariaDbProcess.start(true)) {
            mariadb.sql("SET PASSWORD FOR modstamp@'127.0.0.1' = PASSWORD('secret')");
            Process refused = startProcess(List.of("serve", "--listen", "127.0.0.1:0", "--jdbc",
                    mariadb.jdbcUrl() + "&password=not-the-secret"));
            assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
            String err = new String(refused.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, refused.exitValue(), err);
            assertTrue(err.contains("the table modstamps of jdbc:mariadb://127.0.0.1:") && !err.contains("not-the-secret"),
                    "names the database, never its password: " + err);
            String url = mariadb.jdbcUrl() + "&password=secret";
            Process server = startServer(Map.of(), "--listen", "127.0.0.1:0", "--jdbc", url);
            confirmAndKill(server);
            try (var store = JdbcValueStore.open(new DriverDataSource(url, null), "the test's database")) {
                assertStored(store);
            }
        }
    }

    @Test
    void oneStoreAtATime() {
        assertEquals(2, ModstampCommand.run("serve", "--listen", "127.0.0.1:0", "--memory", "--jdbc", "jdbc:h2:mem:x"));
        assertEquals(2, ModstampCommand.run("serve", "--listen", "127.0.0.1:0", "--memory", "--redis", "redis://h"));
        assertEquals(2, ModstampCommand.run("serve", "--listen", "127.0.0.1:0", "--db", "x.db", "--jdbc", "jdbc:h2:mem:x"));
    }

    private static final int COUNT = 200;

    /** Sends {@value #COUNT} changes, each after the M of the one before, then kills the server with SIGKILL. */
    private void confirmAndKill(Process server) throws Exception {
        try (DatagramChannel producer = DatagramChannel.open()) {
            producer.bind(new InetSocketAddress("127.0.0.1", 0));
            producer.socket().setSoTimeout(5000);
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", port(server));
            for (int i = 0; i < COUNT; i++) {
                byte[] c = MessageEncoder.plainDatagram(Message.change("k" + i, ("v" + i).getBytes()));
                producer.send(ByteBuffer.wrap(c), target);
                byte[] m = MessageEncoder.plainDatagram(Message.modified("k" + i, ("v" + i).getBytes()));
                assertArrayEquals(m, receive(producer), "M for k" + i);
            }
        } finally {
            server.destroyForcibly(); // SIGKILL right after the last M
            assertTrue(server.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(137, server.exitValue(), "killed by SIGKILL");
    }

    /** Every change {@link #confirmAndKill} had confirmed is in {@code store}. */
    private static void assertStored(ValueStore store) {
        assertEquals(COUNT, store.size());
        for (int i = 0; i < COUNT; i++) {
            assertEquals("v" + i, new String(store.get("k" + i), StandardCharsets.UTF_8));
        }
    }

    @Test
    void badConfigurationExitsWithAClearMessage() throws Exception {
        Path profile = dir.resolve("profiles.yaml");
        Files.writeString(profile, "- encryption: plain\n  permission: rwx\n");
        Process bad = startProcess(List.of("serve", "--listen", "127.0.0.1:0", "--memory", "--profile", profile.toString()));
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        String err = new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, bad.exitValue(), err);
        assertTrue(err.contains("entry 1, field 'permission': 'rwx' is not one of none, ro, rw, default"), err);
        assertEquals(2, ModstampCommand.run("serve", "--listen", "127.0.0.1:99999"));
        assertEquals(2, ModstampCommand.run("serve", "--listen", "127.0.0.1:0", "--memory", "--broadcast-repeat", "11"));
        assertEquals(2, ModstampCommand.run("serve", "--listen", "127.0.0.1:0", "--memory", "--io", "NIO",
                "--io-threads", "2"), "several sockets need epoll");
        assertEquals(2, ModstampCommand.run("serve", "--listen", "127.0.0.1:0", "--redis", "redis-sentinel://s1:26379"),
                "a sentinel URI without the primary's name");
        assertEquals(2, ModstampCommand.run("serve", "--listen", "127.0.0.1:0", "--redis", "redis://h",
                "--redis-password-file", dir.resolve("missing").toString()));
    }

    @Test
    void aPortInUseFailsTheStart() throws Exception {
        try (DatagramChannel taken = DatagramChannel.open()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            assertEquals(1, ModstampCommand.run("serve", "--memory", "--listen", "127.0.0.1:" + port));
        }
    }

    private static byte[] receive(DatagramChannel channel) throws Exception {
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[2048], 2048);
        try {
            channel.socket().receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within 5 s", e);
        }
        return java.util.Arrays.copyOf(p.getData(), p.getLength());
    }

    private Process startServer(String... args) throws Exception {
        return startServer(Map.of(), args);
    }

    /**
     * {@code serve} with {@code args} and {@code environment}; what it prints on stderr goes to a file (a pipe
     * that nobody reads would stop a server that logs much, such as a JDBC driver's warnings).
     */
    private Process startServer(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("serve"));
        command.addAll(List.of(args));
        ProcessBuilder builder = processOf(command).redirectError(dir.resolve("stderr.log").toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static Process startProcess(List<String> args) throws Exception {
        return processOf(args).start();
    }

    private static ProcessBuilder processOf(List<String> args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), ModstampCommand.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    /** The port in the server's banner, which must show no URL parameter (a password may be there). */
    private int port(Process server) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            throw new AssertionError("server exited: " + Files.readString(dir.resolve("stderr.log")));
        }
        assertTrue(!line.contains("?") && !line.contains("secret"), line);
        Matcher m = LISTENING.matcher(line);
        assertTrue(m.find(), line);
        return Integer.parseInt(m.group(2));
    }
}
