package org.modstamp.wildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.modstamp.client.LossyProxy;
import org.modstamp.client.ModstampClient;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.testing.PostgresProcess;
import org.modstamp.wildfly.crash.Items;

/**
 * The delivery promise end to end, under a crash: an application on a real WildFly commits changes to its
 * database and pushes them through the pusher's outbox (in the same transaction), while a message-driven
 * bean with resume=true copies what it is told into a second table. In the middle of the stream the
 * application server is killed with SIGKILL and started again. Afterwards the modstamp server must hold,
 * for every id, the value the database committed last, and the bean must have committed it too.
 */
class CrashTest {
    private static final Path DEPLOYMENTS = Path.of("target", "deployments");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> IDS = IntStream.range(0, 20).mapToObj(i -> "i" + i).toList();
    private static final Duration CONVERGENCE_LIMIT = Duration.ofSeconds(30);

    @Test
    void aKillMidStreamLosesNoCommittedChange() throws Exception {
        run("crash", 2_000, Duration.ofSeconds(20), 0);
    }

    @Test
    void theSameWithAFifthOfTheDatagramsLostBothWays() throws Exception {
        run("chaos", 600, Duration.ofSeconds(6), 0.2);
    }

    /** The same on PostgreSQL (fsync on), its driver installed as a module and the DataSource made by the CLI. */
    @Test
    void aKillMidStreamOnPostgreSqlLosesNoCommittedChange() throws Exception {
        try (PostgresProcess postgres = PostgresProcess.start(true)) {
            run("crash-postgres", 2_000, Duration.ofSeconds(20), 0, (home, base) -> postgresDataSource(home, postgres));
        }
    }

    /** The CLI commands that make the DataSource CrashDS, for a WildFly home and a server's base directory. */
    private interface DataSourceCommands {
        String commands(Path home, Path base);
    }

    /** A file database of H2 in the server's base directory, as WildFly ships its driver. */
    private static String h2DataSource(Path home, Path base) {
        return "data-source add --name=CrashDS --jndi-name=java:jboss/datasources/CrashDS --driver-name=h2 "
                + "--user-name=sa --password=sa --connection-url=\"jdbc:h2:file:" + base.resolve("crashdb")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0\"\n";
    }

    /**
     * PostgreSQL the way WildFly's documentation installs it: the driver as a module (once per WildFly home), a
     * JDBC driver of the datasources subsystem, and a DataSource that validates its connections and knows which
     * errors end one (the database may restart under it).
     */
    private static String postgresDataSource(Path home, PostgresProcess postgres) {
        String module = Files.exists(home.resolve("modules/org/postgresql/main/module.xml")) ? ""
                : "module add --name=org.postgresql --resources=" + DEPLOYMENTS.resolve("postgresql.jar").toAbsolutePath()
                        + " --dependencies=javax.api,javax.transaction.api\n";
        return module
                + "/subsystem=datasources/jdbc-driver=postgresql:add(driver-name=postgresql,driver-module-name=org.postgresql,"
                + "driver-xa-datasource-class-name=org.postgresql.xa.PGXADataSource)\n"
                + "data-source add --name=CrashDS --jndi-name=java:jboss/datasources/CrashDS --driver-name=postgresql "
                + "--user-name=modstamp --connection-url=jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres "
                + "--validate-on-match=true --background-validation=false "
                + "--valid-connection-checker-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker "
                + "--exception-sorter-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLExceptionSorter\n";
    }

    /** While set, the network between the adapter and the modstamp server drops everything. */
    private volatile boolean blackout;

    private boolean drop(double loss) {
        return blackout || ThreadLocalRandom.current().nextDouble() < loss;
    }

    /**
     * {@code transactions} changes over about {@code duration}, a kill -9 halfway, a restart; {@code loss} of the
     * datagrams between the adapter and the modstamp server dropped, each way. From 40% of the stream until the
     * restart the network drops everything, so that the kill finds committed changes that no server confirmed
     * and no bean saw: only the outbox and resume bring them over.
     */
    private void run(String name, int transactions, Duration duration, double loss) throws Exception {
        run(name, transactions, duration, loss, CrashTest::h2DataSource);
    }

    private void run(String name, int transactions, Duration duration, double loss, DataSourceCommands dataSource)
            throws Exception {
        blackout = false;
        try (ModstampServer server = ModstampServer.start(
                ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)), new MemoryValueStore());
             LossyProxy proxy = new LossyProxy(new InetSocketAddress("127.0.0.1", server.port()),
                     bytes -> drop(loss), bytes -> drop(loss));
             ModstampClient reader = ModstampClient.open("127.0.0.1:" + server.port())) {
            Path base = Path.of("target", "wildfly-" + name).toAbsolutePath();
            Path home = Path.of(System.getProperty("wildfly.home"));
            WildFly wildfly = WildFly.start(home, base, Map.of(
                    "modstamp.server", "127.0.0.1:" + proxy.address().getPort(),
                    "modstamp.connectionFactories", "java:/eis/ModstampCF",
                    "modstamp.pusher.outbox", "java:jboss/datasources/CrashDS",
                    "modstamp.pusher.outboxSweepSeconds", "2",
                    "crash.ids", String.join(",", IDS)));
            try {
                wildfly.cli(Files.readString(Path.of(System.getProperty("modstamp.wildfly.cli")))
                        + dataSource.commands(home, base));
                wildfly.deploy(DEPLOYMENTS.resolve("modstamp-ra.rar"));
                wildfly.deploy(application());
                awaitListening(server, wildfly);

                long pause = duration.toNanos() / transactions;
                long start = System.nanoTime();
                int acknowledged = 0;
                Map<String, Integer> lastAcknowledged = new LinkedHashMap<>();
                WildFly[] restarted = new WildFly[1];
                Thread killer = null;
                for (int n = 1; n <= transactions; n++) {
                    if (n == transactions * 2 / 5) {
                        blackout = true;
                    }
                    if (n == transactions / 2) {
                        killer = new Thread(() -> restarted[0] = killAndRestart(wildfly), "kill-9");
                        killer.start();
                    }
                    String id = IDS.get(n % IDS.size());
                    if (set(wildfly, id, n)) {
                        acknowledged++;
                        lastAcknowledged.put(id, n);
                    } else if (n > transactions / 2) {
                        break; // the server is gone: what it committed is in its database
                    }
                    long next = start + n * pause;
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                }
                killer.join(TimeUnit.MINUTES.toMillis(3));
                WildFly after = restarted[0];
                assertTrue(after != null, "WildFly started again");
                long restartedAt = System.nanoTime();
                try {
                    Map<String, String> committed = table(after, "items");
                    Map<String, String> onServerAtRestart = reader.get(IDS);
                    long unconfirmedAtRestart = IDS.stream()
                            .filter(id -> !committed.get(id).equals(onServerAtRestart.get(id))).count();
                    blackout = false;
                    lastAcknowledged.forEach((id, n) -> assertTrue(Integer.parseInt(committed.get(id)) >= n,
                            "the database holds every acknowledged change of " + id));
                    Duration converged = awaitConvergence(after, reader, committed);
                    Map<String, String> onServer = reader.get(IDS);
                    Map<String, String> seen = table(after, "seen");
                    long confirmed = IDS.stream().filter(id -> committed.get(id).equals(onServer.get(id))).count();
                    long delivered = IDS.stream().filter(id -> committed.get(id).equals(seen.get(id))).count();
                    System.out.printf("%s: transactions=%d acknowledged=%d ids=%d unconfirmed_at_restart=%d "
                                    + "confirmed=%d delivered=%d loss=%.0f%% dropped=%d converged_ms=%d (limit %d s)%n",
                            name, transactions, acknowledged, IDS.size(), unconfirmedAtRestart, confirmed, delivered,
                            loss * 100, proxy.dropped(), converged.toMillis(), CONVERGENCE_LIMIT.toSeconds());
                    assertTrue(unconfirmedAtRestart > 0, "the kill left committed changes that no server confirmed");
                    assertEquals(committed, onServer, "the modstamp server holds the last committed value of every id");
                    assertEquals(committed, seen, "the bean committed the last value of every id");
                } finally {
                    after.close();
                }
                System.out.printf("%s: restart and convergence took %d ms%n", name,
                        Duration.ofNanos(System.nanoTime() - restartedAt).toMillis());
            } finally {
                wildfly.close();
            }
        }
    }

    private static WildFly killAndRestart(WildFly wildfly) {
        try {
            return wildfly.killAndRestart();
        } catch (Exception e) {
            throw new IllegalStateException("WildFly did not start again", e);
        }
    }

    private static Path application() {
        Path file = DEPLOYMENTS.resolve("crash-app.war");
        ShrinkWrap.create(WebArchive.class, "crash-app.war")
                .addPackage(Items.class.getPackage())
                .addAsLibrary(DEPLOYMENTS.resolve("modstamp-client-ejb.jar").toFile())
                .addAsWebInfResource("app/jboss-ejb3.xml", "jboss-ejb3.xml")
                .addAsWebInfResource("app/jboss-deployment-structure.xml", "jboss-deployment-structure.xml")
                .as(ZipExporter.class).exportTo(file.toFile(), true);
        return file;
    }

    /** Until the bean's first queries reached the modstamp server (it listens to every id from then on). */
    private static void awaitListening(ModstampServer server, WildFly wildfly) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!listening(server)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the MDB does not listen\n" + wildfly.log());
            }
            Thread.sleep(50);
        }
    }

    private static boolean listening(ModstampServer server) throws Exception {
        for (String id : IDS) {
            if (server.listeners(id).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** One transaction; false when WildFly did not acknowledge it (it is being killed). */
    private static boolean set(WildFly wildfly, String id, int value) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri(wildfly, "/crash-app/api/items?id=" + id + "&value=" + value))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** A table of the application as id -> value, read through the application (it owns the database). */
    private static Map<String, String> table(WildFly wildfly, String table) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(wildfly, "/crash-app/api/items/" + table))
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Map<String, String> rows = new LinkedHashMap<>();
        response.body().lines().filter(l -> !l.isBlank()).forEach(l -> rows.put(l.split("=", 2)[0], l.split("=", 2)[1]));
        return rows;
    }

    /** Waits until the server and the bean hold the committed values; how long it took. */
    private static Duration awaitConvergence(WildFly wildfly, ModstampClient reader, Map<String, String> committed)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + CONVERGENCE_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, String> onServer = reader.get(IDS);
            if (committed.entrySet().stream().allMatch(e -> e.getValue().equals(onServer.get(e.getKey())))
                    && committed.equals(table(wildfly, "seen"))) {
                break;
            }
            Thread.sleep(100);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static URI uri(WildFly wildfly, String path) {
        return URI.create("http://127.0.0.1:" + wildfly.httpPort() + path);
    }
}
