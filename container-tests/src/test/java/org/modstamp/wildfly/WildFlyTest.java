package org.modstamp.wildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.modstamp.client.ModstampClient;
import org.modstamp.containers.ContainerChecks;
import org.modstamp.containers.OrdersApplication;
import org.modstamp.wildfly.outbox.TwoResourceTx;

/**
 * End to end on a real WildFly 39 standalone-full: the server WAR serves UDP; the RAR, activated by the
 * operator's CLI script, listens for an MDB application and carries its pusher's changes. Unchanged
 * archives, the same ones the Payara tests deploy. {@link ContainerChecks}' checks, and WildFly's own.
 */
class WildFlyTest extends ContainerChecks {
    private static final Path DEPLOYMENTS = Path.of(System.getProperty("modstamp.deployments"));

    private static WildFly wildfly;
    private static Deployment deployment;
    private static OrdersApplication app;
    private static int serverPort;
    private static int adapterPort;
    private static String failureWithPortTaken;

    @BeforeAll
    static void deployEverything() throws Exception {
        serverPort = freeUdpPort();
        do {
            adapterPort = freeUdpPort();
        } while (adapterPort == serverPort);
        Path base = Path.of("target", "wildfly-base").toAbsolutePath();
        wildfly = WildFly.start(Path.of(System.getProperty("wildfly.home")), base, Map.of(
                "modstamp.listen", "127.0.0.1:" + serverPort,
                "modstamp.store", "jdbc", // the default DataSource: WildFly's ExampleDS (H2); Payara's tests use SQLite
                "modstamp.listenerTtl", String.valueOf(LISTENER_TTL),
                "modstamp.ioThreads", "2", // two SO_REUSEPORT sockets, threads from the ManagedThreadFactory
                "modstamp.server", "127.0.0.1:" + serverPort,
                "modstamp.connectionFactories", "java:/eis/ModstampCF"));
        String adapter = "/subsystem=resource-adapters/resource-adapter=modstamp-ra.rar";
        String secondXa = "/subsystem=datasources/xa-data-source=SecondXADS"; // for the outbox application's two-resource transaction
        wildfly.cli(Files.readString(Path.of(System.getProperty("modstamp.wildfly.cli")))
                + adapter + "/config-properties=portMin:add(value=" + adapterPort + ")\n"
                + adapter + "/config-properties=portMax:add(value=" + adapterPort + ")\n"
                + "batch\n"
                + secondXa + ":add(jndi-name=java:jboss/datasources/SecondXADS, driver-name=h2, user-name=sa, password=sa)\n"
                + secondXa + "/xa-datasource-properties=URL:add(value=\"jdbc:h2:file:" + base.resolve("seconddb") + "\")\n"
                + "run-batch\n");
        app = new OrdersApplication(wildfly.httpPort(), wildfly::log);
        wildfly.deploy(DEPLOYMENTS.resolve("modstamp-ra.rar"));
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress("127.0.0.1", serverPort))) {
            wildfly.deploy(DEPLOYMENTS.resolve("modstamp-server.war"));
            wildfly.undeploy("modstamp-server.war"); // it should not have deployed: the first test says so
        } catch (IllegalStateException e) {
            failureWithPortTaken = e.getMessage();
        }
        wildfly.deploy(DEPLOYMENTS.resolve("modstamp-server.war"));
        wildfly.deploy(OrdersApplication.war(DEPLOYMENTS));
        deployment = new Deployment(app, serverPort, adapterPort, "/modstamp-server",
                base.resolve("data/modstamp-ra"), // jboss.server.data.dir
                () -> wildfly.undeploy("orders-app.war"),
                () -> wildfly.deploy(OrdersApplication.war(DEPLOYMENTS)),
                () -> {
                    wildfly.undeploy("modstamp-server.war");
                    wildfly.undeploy("modstamp-ra.rar");
                });
    }

    @AfterAll
    static void stop() throws Exception {
        if (wildfly != null) {
            wildfly.close();
        }
    }

    @Test
    @Order(0)
    void aServerWarWhosePortIsTakenFailsItsDeploymentSayingWhy() {
        assertNotNull(failureWithPortTaken, "deploying while another socket held the port failed");
        assertTrue(failureWithPortTaken.contains("modstamp server did not start")
                && failureWithPortTaken.contains(String.valueOf(serverPort)), failureWithPortTaken);
    }

    @Test
    @Order(2)
    void aPushFromAnAfterSuccessObserverReachesTheMdb() throws Exception {
        assertEquals("committed", post("/orders-app/api/orders/announce?id=announced&value=a1"));
        awaitReceived("announced=a1");
    }

    /** How often the outbox application sweeps its outbox (the default is 10 s): the test watches two sweeps go by. */
    private static final int SWEEP_SECONDS = 1;

    /**
     * Issue 20, item 1, on WildFly: a transaction with two resources (the outbox in the default DataSource,
     * ExampleDS, and an XA DataSource, so that Narayana commits it in two phases) pushes v1 inside the
     * transaction, then fires an event whose AFTER_SUCCESS observer pushes v2. The server must end with v2, keep
     * it through the sweeps, and the outbox row must be v2's, confirmed. Expected to fail until the pusher is
     * fixed: the observer's push carries no outbox version, replaces v1 in the sender, its confirmation marks
     * nothing, and the next sweep sends v1, still unconfirmed in the outbox, again: the older value wins.
     */
    @Test
    @Order(2)
    void aPushFromAnAfterSuccessObserverOfATwoResourceTransactionIsNotUndoneByTheOutboxSweep() throws Exception {
        wildfly.deploy(outboxApplication());
        try (ModstampClient reader = ModstampClient.open("127.0.0.1:" + serverPort)) {
            String id = "wf2r";
            String answer = post("/outbox-app/api/two-resources?id=" + id + "&inTx=v1-in-tx&afterSuccess=v2-after-success");
            System.out.println("pusher-outbox, two resources, WildFly:\n" + answer);
            assertTrue(answer.startsWith("committed\n"), answer);
            assertEquals("v1-in-tx", get("/outbox-app/api/two-resources/saved?id=" + id), "the second DataSource committed its row");
            long deadline = System.nanoTime() + 10_000_000_000L;
            String value;
            while (!"v2-after-success".equals(value = reader.get(List.of(id)).get(id)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (!"v2-after-success".equals(value)) {
                assertEquals("v2-after-success", value, "the server's value; outbox row: " + outboxRow(id));
            }
            // checks that something does NOT happen: for three sweep periods (so at least two sweeps) the server keeps v2
            long since = System.nanoTime();
            long until = since + TimeUnit.SECONDS.toNanos(3L * SWEEP_SECONDS);
            while (System.nanoTime() < until) {
                value = reader.get(List.of(id)).get(id);
                if (!"v2-after-success".equals(value)) {
                    fail("the server went back from v2-after-success to " + value + " "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) + " ms after it had it; outbox row: "
                            + outboxRow(id));
                }
                Thread.sleep(50);
            }
            String expected = id + "=v2-after-success confirmed";
            deadline = System.nanoTime() + 5_000_000_000L;
            String row;
            while (!expected.equals(row = outboxRow(id)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(expected, row);
        } finally {
            wildfly.undeploy("outbox-app.war");
        }
    }

    private static String outboxRow(String id) throws Exception {
        return get("/outbox-app/api/two-resources/outbox?id=" + id);
    }

    /**
     * The outbox application: the pusher with its outbox in the default DataSource, swept every second (its
     * MicroProfile Config file; the rest of the pusher's settings are the server's system properties), no MDB.
     */
    private static Path outboxApplication() {
        Path file = DEPLOYMENTS.resolve("outbox-app.war");
        ShrinkWrap.create(WebArchive.class, "outbox-app.war")
                .addPackage(TwoResourceTx.class.getPackage())
                .addAsLibrary(DEPLOYMENTS.resolve("modstamp-client-ejb.jar").toFile())
                .addAsResource(new StringAsset("modstamp.pusher.outbox=java:comp/DefaultDataSource\n"
                        + "modstamp.pusher.outboxSweepSeconds=" + SWEEP_SECONDS + "\n"), "META-INF/microprofile-config.properties")
                .addAsWebInfResource("app/jboss-deployment-structure.xml", "jboss-deployment-structure.xml")
                .as(ZipExporter.class).exportTo(file.toFile(), true);
        return file;
    }

    @Test
    @Order(5)
    void aBadlyConfiguredDeploymentFailsNamingThePropertyAndAGoodOneBindsThePortAgain() throws Exception {
        wildfly.cli("/system-property=modstamp.maxPacketSize:add(value=10)");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> wildfly.deploy(DEPLOYMENTS.resolve("modstamp-server.war")));
        assertTrue(e.getMessage().contains("modstamp.maxPacketSize"), e.getMessage());
        wildfly.cli("/system-property=modstamp.maxPacketSize:remove");

        wildfly.deploy(DEPLOYMENTS.resolve("modstamp-server.war"));
        assertThrows(SocketException.class, () -> bind(serverPort), "the new deployment holds the port");
        assertTrue(get("/modstamp-server/api/modstamps/committed").contains("\"value\":\"c3\""),
                "the values outlived the deployment, in the container's DataSource");
    }

    private static void awaitReceived(String change) throws Exception {
        app.awaitReceived(change, 1);
    }

    @Override
    protected Deployment deployment() {
        return deployment;
    }

    private static String post(String path) throws Exception {
        return app.post(path);
    }

    private static String get(String path) throws Exception {
        return app.get(path);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }
}
