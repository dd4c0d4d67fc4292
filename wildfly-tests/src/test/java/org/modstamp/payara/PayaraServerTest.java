package org.modstamp.payara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.modstamp.client.ModstampClient;
import org.modstamp.containers.OrdersApplication;
import org.modstamp.testing.TestProcesses;

/**
 * End to end on a real Payara Server 6 domain, set up with asadmin only, the way docs/jakarta-ee.md tells an
 * operator to: the adapter's config and the RAR, a connector connection pool and resource for the pusher, the
 * server WAR and the MDB application, the same archives the WildFly and Payara Micro tests deploy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PayaraServerTest {
    private static final Path DEPLOYMENTS = Path.of(System.getProperty("modstamp.deployments"));
    /** Listener registrations expire after this many seconds without a Query (the MDB queries every 2-4 s). */
    private static final int LISTENER_TTL = 6;

    private static PayaraServer payara;
    private static OrdersApplication app;
    private static int serverPort;
    private static int adapterPort;

    @BeforeAll
    static void deployEverything() throws Exception {
        serverPort = TestProcesses.freePort();
        adapterPort = TestProcesses.freePort();
        String server = "127.0.0.1:" + serverPort;
        payara = PayaraServer.start(Path.of(System.getProperty("payara.home")),
                Path.of("target", "payara-domains").toAbsolutePath(), Map.of(
                        "modstamp.listen", server,
                        "modstamp.listenerTtl", String.valueOf(LISTENER_TTL),
                        "modstamp.server", server,
                        "modstamp.connectionFactories", "eis/ModstampCF"));
        app = new OrdersApplication(payara.httpPort(), payara::log);
        payara.asadmin("create-resource-adapter-config", "--property",
                "portMin=" + adapterPort + ":portMax=" + adapterPort, "modstamp-ra");
        payara.deploy(DEPLOYMENTS.resolve("modstamp-ra.rar"));
        payara.asadmin("create-connector-connection-pool", "--raname", "modstamp-ra",
                "--connectiondefinition", "org.modstamp.ra.api.ModstampConnectionFactory",
                "--property", "server=" + PayaraServer.escaped(server), "modstamp-pool");
        payara.asadmin("create-connector-resource", "--poolname", "modstamp-pool", "eis/ModstampCF");
        payara.deploy(DEPLOYMENTS.resolve("modstamp-server.war"));
        payara.deploy(OrdersApplication.war(DEPLOYMENTS));
    }

    @AfterAll
    static void stop() throws Exception {
        if (payara != null) {
            payara.close();
        }
    }

    @Test
    @Order(1)
    void aCommittedPushReachesTheMdbThroughTheServerWar() throws Exception {
        awaitListening();
        assertEquals("committed", app.post("/orders-app/api/orders/commit?id=committed&value=c1"));
        app.awaitReceived("committed=c1", 1);
        assertTrue(app.get("/modstamp/api/modstamps/committed").contains("\"value\":\"c1\""));
    }

    @Test
    @Order(2)
    void aRolledBackPushSendsNothing() throws Exception {
        assertEquals("rolled back", app.post("/orders-app/api/orders/rollback?id=rolledback&value=r1"));
        // one sender per target, in order: once this later commit has arrived, a sent rollback would have too
        assertEquals("committed", app.post("/orders-app/api/orders/commit?id=committed&value=c2"));
        app.awaitReceived("committed=c2", 1);
        assertFalse(app.get("/orders-app/api/orders/received").contains("rolledback"));
        assertTrue(app.get("/modstamp/api/modstamps/rolledback").contains("\"value\":null"),
                "the server never had a value for the rolled-back id");
    }

    @Test
    @Order(2)
    void aBeanWhoseTransactionRolledBackGetsTheChangeAgain() throws Exception {
        assertEquals("committed", app.post("/orders-app/api/orders/commit?id=flaky&value=f1"));
        app.awaitReceived("flaky=f1", 2); // the attempt that threw, then the one that committed
    }

    @Test
    @Order(3)
    void undeployingTheApplicationStopsItsQueriesAndWithResumeItsRedeploymentDeliversWhatChangedMeanwhile()
            throws Exception {
        String listeners = "/modstamp/api/modstamps/committed/listeners";
        assertTrue(app.get(listeners).contains(":" + adapterPort), "the MDB's queries registered the adapter's socket");
        payara.undeploy("orders-app");
        long deadline = System.nanoTime() + (LISTENER_TTL + 10) * 1_000_000_000L;
        while (app.get(listeners).contains(":" + adapterPort) && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertFalse(app.get(listeners).contains(":" + adapterPort), "no Query renewed the registration");
        try (ModstampClient producer = ModstampClient.open("127.0.0.1:" + serverPort)) {
            assertEquals(Map.of("committed", "c3"), producer.push(Map.of("committed", "c3"))); // nobody listens
        }
        payara.deploy(OrdersApplication.war(DEPLOYMENTS));
        app.awaitReceived("committed=c3", 1); // resume=true: the bean starts from the c2 it committed before
        payara.undeploy("orders-app");
    }

    @Test
    @Order(4)
    void undeployingReleasesThePorts() throws Exception {
        assertThrows(SocketException.class, () -> bind(serverPort), "the server WAR holds its port");
        assertThrows(SocketException.class, () -> bind(adapterPort), "the adapter holds its port");
        payara.undeploy("modstamp-server");
        payara.asadmin("delete-connector-resource", "eis/ModstampCF");
        payara.asadmin("delete-connector-connection-pool", "modstamp-pool");
        payara.undeploy("modstamp-ra");
        bind(serverPort);
        bind(adapterPort);
    }

    /** Until the MDB's first Query registered the adapter's socket (it reports changes after its first answer). */
    private static void awaitListening() throws Exception {
        String listeners = "/modstamp/api/modstamps/committed/listeners";
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!app.get(listeners).contains(":" + adapterPort) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(app.get(listeners).contains(":" + adapterPort), "the MDB listens through the adapter's socket");
    }

    private static void bind(int port) throws SocketException {
        new DatagramSocket(new InetSocketAddress(port)).close();
    }
}
