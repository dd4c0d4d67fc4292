package org.modstamp.payara;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modstamp.containers.ContainerChecks;
import org.modstamp.containers.OrdersApplication;
import org.modstamp.testing.TestProcesses;

/**
 * End to end on a real Payara Server 6 domain, set up with asadmin only, the way docs/jakarta-ee.md tells an
 * operator to: the adapter's config and the RAR, a connector connection pool and resource for the pusher, the
 * server WAR and the MDB application, the same archives the WildFly and Payara Micro tests deploy. The checks are
 * {@link ContainerChecks}'.
 */
class PayaraServerTest extends ContainerChecks {
    private static final Path DEPLOYMENTS = Path.of(System.getProperty("modstamp.deployments"));
    private static final Path DOMAINS = Path.of("target", "payara-domains").toAbsolutePath();

    private static PayaraServer payara;
    private static Deployment deployment;

    @BeforeAll
    static void deployEverything() throws Exception {
        int serverPort = TestProcesses.freePort();
        int adapterPort = TestProcesses.freePort();
        String server = "127.0.0.1:" + serverPort;
        payara = PayaraServer.start(Path.of(System.getProperty("payara.home")), DOMAINS, Map.of(
                        "modstamp.listen", server,
                        "modstamp.listenerTtl", String.valueOf(LISTENER_TTL),
                        "modstamp.server", server,
                        "modstamp.connectionFactories", "eis/ModstampCF"));
        payara.asadmin("create-resource-adapter-config", "--property",
                "portMin=" + adapterPort + ":portMax=" + adapterPort, "modstamp-ra");
        payara.deploy(DEPLOYMENTS.resolve("modstamp-ra.rar"));
        payara.asadmin("create-connector-connection-pool", "--raname", "modstamp-ra",
                "--connectiondefinition", "org.modstamp.ra.api.ModstampConnectionFactory",
                "--property", "server=" + PayaraServer.escaped(server), "modstamp-pool");
        payara.asadmin("create-connector-resource", "--poolname", "modstamp-pool", "eis/ModstampCF");
        payara.deploy(DEPLOYMENTS.resolve("modstamp-server.war"));
        payara.deploy(OrdersApplication.war(DEPLOYMENTS));
        deployment = new Deployment(new OrdersApplication(payara.httpPort(), payara::log), serverPort, adapterPort,
                "/modstamp", payara.instanceRoot().resolve("modstamp-ra"),
                () -> payara.undeploy("orders-app"),
                () -> payara.deploy(OrdersApplication.war(DEPLOYMENTS)),
                () -> {
                    payara.undeploy("modstamp-server");
                    payara.asadmin("delete-connector-resource", "eis/ModstampCF");
                    payara.asadmin("delete-connector-connection-pool", "modstamp-pool");
                    payara.undeploy("modstamp-ra");
                });
    }

    @AfterAll
    static void stop() throws Exception {
        if (payara != null) {
            payara.close();
        }
    }

    @Override
    protected Deployment deployment() {
        return deployment;
    }
}
