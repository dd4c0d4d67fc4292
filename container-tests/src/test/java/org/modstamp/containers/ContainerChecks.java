package org.modstamp.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.modstamp.client.ModstampClient;
import org.modstamp.testing.DeliveryLatencies;

/**
 * The checks every container's test makes, in this order, on the server WAR, the RAR and the MDB application
 * ({@link OrdersApplication}) it deployed once for the class: a commit reaches the MDB through the server WAR; a
 * rollback sends nothing; a bean that throws gets the change again; undeploying the application stops its Queries,
 * and its redeployment with {@code resume=true} delivers what changed meanwhile from the adapter's state directory;
 * undeploying the server WAR and the adapter frees both ports. A subclass says how its container deploys.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ContainerChecks {
    /** Listener registrations expire after this many seconds without a Query (the MDB queries every 2-4 s). */
    protected static final int LISTENER_TTL = 6;

    /**
     * What a container's test deployed once for its class, and how it undeploys and deploys again.
     *
     * @param app the MDB application
     * @param serverPort the UDP port of the server WAR
     * @param adapterPort the UDP port of the adapter's socket (its portMin and portMax)
     * @param serverContext the server WAR's context root, such as {@code /modstamp}
     * @param stateDirectory where the adapter keeps the values a bean with {@code resume=true} committed, when
     *                       nothing says otherwise
     * @param undeployApplication undeploys the MDB application
     * @param redeployApplication deploys it again (a new {@link OrdersApplication#war})
     * @param undeployServerAndAdapter undeploys the server WAR, the pusher's connection factory and the adapter, in
     *                                 the order the container needs
     */
    public record Deployment(OrdersApplication app, int serverPort, int adapterPort, String serverContext,
                             Path stateDirectory, ContainerProcess.Step undeployApplication,
                             ContainerProcess.Step redeployApplication, ContainerProcess.Step undeployServerAndAdapter) {
    }

    /** What the subclass's {@code @BeforeAll} deployed. */
    protected abstract Deployment deployment();

    private OrdersApplication app() {
        return deployment().app();
    }

    private int serverPort() {
        return deployment().serverPort();
    }

    private int adapterPort() {
        return deployment().adapterPort();
    }

    private String serverContext() {
        return deployment().serverContext();
    }

    @Test
    @Order(1)
    void aCommittedPushReachesTheMdbThroughTheServerWar() throws Exception {
        awaitListening();
        assertEquals("committed", app().post("/orders-app/api/orders/commit?id=committed&value=c1"));
        app().awaitReceived("committed=c1", 1);
        assertTrue(app().get(serverContext() + "/api/modstamps/committed").contains("\"value\":\"c1\""));
    }

    @Test
    @Order(2)
    void aRolledBackPushSendsNothing() throws Exception {
        assertEquals("rolled back", app().post("/orders-app/api/orders/rollback?id=rolledback&value=r1"));
        // one sender per target, in order: once this later commit has arrived, a sent rollback would have too
        assertEquals("committed", app().post("/orders-app/api/orders/commit?id=committed&value=c2"));
        app().awaitReceived("committed=c2", 1);
        assertFalse(app().get("/orders-app/api/orders/received").contains("rolledback"));
        assertTrue(app().get(serverContext() + "/api/modstamps/rolledback").contains("\"value\":null"),
                "the server never had a value for the rolled-back id");
    }

    @Test
    @Order(2)
    void aBeanWhoseTransactionRolledBackGetsTheChangeAgain() throws Exception {
        assertEquals("committed", app().post("/orders-app/api/orders/commit?id=flaky&value=f1"));
        app().awaitReceived("flaky=f1", 2); // the attempt that threw, then the one that committed
    }

    /**
     * A benchmark, not a check of speed: prints the time from a C sent to the server WAR to the MDB's
     * {@code onModstampChange} (the bean stamps its arrival; one host, one clock) and its stages
     * ({@link DeliveryLatencies}): right after the deployment ({@code cold}), then once the JIT compilers of the
     * container and of this JVM have gone quiet, paced ({@code warm-paced}) and one after the other ({@code warm}),
     * and the time from a bean's attempt that threw to the change's redelivery. The stages: the C's way to the
     * adapter's socket (the server WAR's handling and the Signal; {@code receivedAt}), the adapter's (until the bean
     * runs), and the bean's transaction until it committed.
     */
    @Test
    @Order(2)
    void printsTheDeliveryLatencies() throws Exception {
        String container = "container-latency: container=" + getClass().getSimpleName() + " ";
        try (ModstampClient producer = ModstampClient.open("127.0.0.1:" + serverPort())) {
            DeliveryLatencies.print(container, new DeliveryLatencies.Bench(producer,
                    value -> awaitCommit(DeliveryLatencies.ID + "=" + value), this::latDeliveries,
                    () -> Long.parseLong(app().get("/orders-app/api/orders/jit"))));
        }
        assertEquals("committed", app().post("/orders-app/api/orders/commit?id=flaky&value=redelivered"));
        List<long[]> attempts = arrivals("flaky=redelivered", 2);
        System.out.println(container + "redelivery_after_rollback_us=" + (attempts.get(1)[0] - attempts.get(0)[0]));
    }

    /** The bean's first committed delivery of each value of "lat" that starts with {@code prefix}, by value. */
    private Map<String, DeliveryLatencies.Delivery> latDeliveries(String prefix) throws Exception {
        Map<String, long[]> arrived = new HashMap<>();
        app().get("/orders-app/api/orders/arrivals").lines().filter(line -> line.startsWith("lat=" + prefix))
                .forEach(line -> arrived.putIfAbsent(line.substring(4, line.indexOf(' ')), times(line)));
        Map<String, DeliveryLatencies.Delivery> deliveries = new HashMap<>();
        app().get("/orders-app/api/orders/commits").lines().filter(line -> line.startsWith("lat=" + prefix))
                .forEach(line -> {
                    String value = line.substring(4, line.indexOf(' '));
                    long[] arrival = arrived.get(value);
                    if (arrival != null) {
                        deliveries.putIfAbsent(value, new DeliveryLatencies.Delivery(arrival[0], arrival[1], times(line)[0]));
                    }
                });
        return deliveries;
    }

    /**
     * The first {@code attempts} attempts at {@code change}, each {arrival, receivedAt} in microseconds; the
     * application waits for them (10 s at most), so nothing polls while the delivery runs.
     */
    private List<long[]> arrivals(String change, int attempts) throws Exception {
        List<long[]> found = app().get("/orders-app/api/orders/arrivals/await?attempts=" + attempts + "&change="
                + URLEncoder.encode(change, StandardCharsets.UTF_8)).lines().map(ContainerChecks::times).toList();
        assertEquals(attempts, found.size(), change + " arrived " + found.size() + " of " + attempts + " times");
        return found;
    }

    /** When the bean's delivery of {@code change} committed, in microseconds; the application waits (10 s at most). */
    private long awaitCommit(String change) throws Exception {
        String line = app().get("/orders-app/api/orders/commits/await?change="
                + URLEncoder.encode(change, StandardCharsets.UTF_8));
        assertFalse(line.isBlank(), change + " committed");
        return times(line)[0];
    }

    /** The numbers after the change in a line "id=value n..." */
    private static long[] times(String line) {
        String[] fields = line.split(" ");
        long[] times = new long[fields.length - 1];
        for (int i = 1; i < fields.length; i++) {
            times[i - 1] = Long.parseLong(fields[i]);
        }
        return times;
    }

    @Test
    @Order(3)
    void undeployingTheApplicationStopsItsQueriesAndWithResumeItsRedeploymentDeliversWhatChangedMeanwhile()
            throws Exception {
        String listeners = serverContext() + "/api/modstamps/committed/listeners";
        assertTrue(app().get(listeners).contains(":" + adapterPort()), "the MDB's queries registered the adapter's socket");
        deployment().undeployApplication().run();
        long deadline = System.nanoTime() + (LISTENER_TTL + 10) * 1_000_000_000L;
        while (app().get(listeners).contains(":" + adapterPort()) && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertFalse(app().get(listeners).contains(":" + adapterPort()), "no Query renewed the registration");
        Path stateDirectory = deployment().stateDirectory();
        try (Stream<Path> files = Files.list(stateDirectory)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("org.modstamp.wildfly.app.ChangesBean_")),
                    "the bean's committed values are in " + stateDirectory);
        }
        try (ModstampClient producer = ModstampClient.open("127.0.0.1:" + serverPort())) {
            assertEquals(Map.of("committed", "c3"), producer.push(Map.of("committed", "c3"))); // nobody listens
        }
        deployment().redeployApplication().run();
        app().awaitReceived("committed=c3", 1); // resume=true: the bean starts from the c2 it committed before
        deployment().undeployApplication().run();
    }

    @Test
    @Order(4)
    void undeployingReleasesThePorts() throws Exception {
        assertThrows(SocketException.class, () -> bind(serverPort()), "the server WAR holds its port");
        assertThrows(SocketException.class, () -> bind(adapterPort()), "the adapter holds its port");
        deployment().undeployServerAndAdapter().run();
        bind(serverPort());
        bind(adapterPort());
    }

    /** Until the MDB's first Query registered the adapter's socket (it reports changes after its first answer). */
    private void awaitListening() throws Exception {
        String listeners = serverContext() + "/api/modstamps/committed/listeners";
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!listenersOrNone(listeners).contains(":" + adapterPort()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(app().get(listeners).contains(":" + adapterPort()), "the MDB listens through the adapter's socket");
    }

    /**
     * The listeners, or nothing while the server WAR does not run yet: on Open Liberty it starts just after its
     * deployment, and answers 503 until then.
     */
    private String listenersOrNone(String path) throws Exception {
        try {
            return app().get(path);
        } catch (AssertionError notRunningYet) {
            return "";
        }
    }

    protected static void bind(int port) throws SocketException {
        new DatagramSocket(new InetSocketAddress(port)).close();
    }
}
