package org.modstamp.liberty;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modstamp.containers.ContainerChecks;
import org.modstamp.containers.OrdersApplication;
import org.modstamp.testing.TestProcesses;

/**
 * End to end on a real Open Liberty 26 server configured by its server.xml alone, the one docs/jakarta-ee.md shows:
 * the RAR as a {@code resourceAdapter} with the adapter's port, the pusher's {@code connectionFactory}, an
 * {@code activationSpec} that binds the MDB, the server WAR and the MDB application (the same archives the WildFly
 * and Payara tests deploy). Undeploying is taking an element out of server.xml. The checks are
 * {@link ContainerChecks}'.
 */
class OpenLibertyTest extends ContainerChecks {
    private static final Path DEPLOYMENTS = Path.of(System.getProperty("modstamp.deployments"));

    private static OpenLiberty liberty;
    private static Deployment deployment;
    private static int httpPort;
    private static int serverPort;
    private static int adapterPort;

    @BeforeAll
    static void deployEverything() throws Exception {
        httpPort = TestProcesses.freePort();
        serverPort = TestProcesses.freePort();
        adapterPort = TestProcesses.freePort();
        String server = "127.0.0.1:" + serverPort;
        liberty = OpenLiberty.start(Path.of(System.getProperty("liberty.home")),
                Path.of("target", "liberty-usr").toAbsolutePath(),
                List.of(DEPLOYMENTS.resolve("modstamp-ra.rar"), DEPLOYMENTS.resolve("modstamp-server.war"),
                        OrdersApplication.war(DEPLOYMENTS)),
                Map.of("modstamp.listen", server,
                        "modstamp.listenerTtl", String.valueOf(LISTENER_TTL),
                        "modstamp.server", server,
                        "modstamp.connectionFactories", "eis/ModstampCF"),
                serverXml(true, true));
        liberty.awaitLogged(started("orders-app"), 1);
        liberty.awaitLogged(started("modstamp-server"), 1);
        deployment = new Deployment(new OrdersApplication(httpPort, liberty::log), serverPort, adapterPort, "/modstamp",
                liberty.serverDir().resolve("modstamp-ra"), // server.output.dir
                OpenLibertyTest::undeployApplication, OpenLibertyTest::redeployApplication,
                OpenLibertyTest::undeployServerAndAdapter);
    }

    /**
     * The server.xml of the docs, with the test's ports: the adapter and its connection factory, the server WAR
     * ({@code adapterAndServer}) and the MDB application ({@code application}).
     */
    static String serverXml(boolean adapterAndServer, boolean application) {
        String adapter = """
                  <resourceAdapter id="modstamp-ra" location="${server.config.dir}/apps/modstamp-ra.rar">
                    <properties.modstamp-ra portMin="%1$d" portMax="%1$d"/>
                  </resourceAdapter>
                  <connectionFactory id="ModstampCF" jndiName="eis/ModstampCF">
                    <properties.modstamp-ra server="127.0.0.1:%2$d"/>
                  </connectionFactory>
                  <webApplication location="modstamp-server.war" contextRoot="/modstamp"/>
                """.formatted(adapterPort, serverPort);
        String ordersApp = """
                  <activationSpec id="orders-app/ChangesBean">
                    <properties.modstamp-ra/>
                  </activationSpec>
                  <webApplication location="orders-app.war">
                    <classloader classProviderRef="modstamp-ra"/>
                  </webApplication>
                """;
        return """
                <server description="modstamp">
                  <featureManager>
                    <feature>connectors-2.1</feature>
                    <feature>mdb-4.0</feature>
                    <feature>enterpriseBeansLite-4.0</feature>
                    <feature>cdi-4.0</feature>
                    <feature>servlet-6.0</feature>
                    <feature>restfulWS-3.1</feature>
                    <feature>jsonb-3.0</feature>
                    <feature>mpConfig-3.1</feature>
                    <feature>concurrent-3.0</feature>
                  </featureManager>
                  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
                %s%s</server>
                """.formatted(httpPort, adapterAndServer ? adapter : "", application ? ordersApp : "");
    }

    private static Pattern started(String application) {
        return Pattern.compile("CWWKZ0001I: Application " + application + " started");
    }

    private static Pattern stopped(String application) {
        return Pattern.compile("CWWKZ0009I: The application " + application + " has stopped successfully");
    }

    @AfterAll
    static void stop() throws Exception {
        if (liberty != null) {
            liberty.close();
        }
    }

    @Override
    protected Deployment deployment() {
        return deployment;
    }

    private static void undeployApplication() throws Exception {
        long before = liberty.count(stopped("orders-app"));
        liberty.configure(serverXml(true, false));
        liberty.awaitLogged(stopped("orders-app"), before + 1);
    }

    private static void redeployApplication() throws Exception {
        liberty.copyToApps(OrdersApplication.war(DEPLOYMENTS));
        long before = liberty.count(started("orders-app"));
        liberty.configure(serverXml(true, true));
        liberty.awaitLogged(started("orders-app"), before + 1);
    }

    /** Takes the server WAR, the connection factory and the resource adapter out of server.xml at once. */
    private static void undeployServerAndAdapter() throws Exception {
        long before = liberty.count(stopped("modstamp-server"));
        liberty.configure(serverXml(false, false));
        liberty.awaitLogged(stopped("modstamp-server"), before + 1);
        liberty.awaitLogged(Pattern.compile("J2CA7009I"), 1); // the resource adapter uninstalled
    }
}
