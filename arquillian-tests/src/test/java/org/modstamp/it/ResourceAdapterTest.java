package org.modstamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.modstamp.client.ModstampClient;
import org.modstamp.client.ClientConfig;
import org.modstamp.it.app.Deliveries;
import org.modstamp.it.app.OrderCache;
import org.modstamp.it.app.OrdersBean;
import org.modstamp.it.app.ProbeApplication;
import org.modstamp.it.app.ProbeResource;
import org.modstamp.it.app.SharedBean;
import org.modstamp.it.app.RollbackOnlyBean;
import org.modstamp.it.app.ThrowingBean;
import org.modstamp.it.app.WatchingBean;
import org.modstamp.testing.DeliveryLatencies;

/**
 * The resource adapter deployed in a real Payara Micro (the RAR through a postboot command, then a WAR
 * with three MDBs and a probe resource), against a real modstamp server in the test JVM.
 */
@ExtendWith({FreshPayaraRoot.class, ModstampServerExtension.class, ArquillianExtension.class})
class ResourceAdapterTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ModstampClient producer;

    @ArquillianResource
    URL base;

    /**
     * The WAR of the test beans, and of the docs' own snippets (docs/jakarta-ee.md, those marked for this test)
     * compiled as they are, with a probe that calls them.
     */
    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        WebArchive war = ShrinkWrap.create(WebArchive.class, "ra-test.war")
                .addClasses(Deliveries.class, OrdersBean.class, SharedBean.class, ThrowingBean.class, RollbackOnlyBean.class,
                        WatchingBean.class, OrderCache.class,
                        ProbeResource.class, ProbeApplication.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
        Path snippets = Path.of("target", "docs-snippets");
        List<Path> sources = new ArrayList<>(DocSnippets.write(Path.of("..", "docs", "jakarta-ee.md"),
                OrderCache.class.getPackageName(), snippets.resolve("sources")));
        assertEquals(2, sources.size(), "the docs mark their bean and their pusher for this test: " + sources);
        sources.add(Path.of("src", "test", "resources", "docs-snippets", "DocsProbe.java"));
        DocSnippets.compile(sources, snippets.resolve("classes"));
        for (Path file : DocSnippets.classFiles(snippets.resolve("classes"))) {
            war.addAsWebInfResource(snippets.resolve("classes").resolve(file).toFile(), "classes/" + file);
        }
        return war;
    }

    @BeforeAll
    static void producer() throws Exception {
        producer = ModstampClient.open(ModstampServerExtension.address(), ClientConfig.defaults());
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    /** A call of the probe resource ({@code api/probe/path}). */
    private String http(String method, String path) throws Exception {
        return api(method, "probe/" + path);
    }

    /** A call of a resource of the application ({@code api/path}). */
    private String api(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString() + "api/" + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The deliveries as [bean, id, value, previous, receivedAtMicros, deliveredAtMicros]. */
    private List<String[]> deliveries() throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (String line : http("GET", "deliveries").split("\n")) {
            if (!line.isBlank()) {
                rows.add(line.split(" "));
            }
        }
        return rows;
    }

    private List<String> waitFor(Predicate<String[]> which, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<String> got = deliveries().stream().filter(which).map(r -> String.join(" ", Arrays.copyOf(r, 4))).toList();
            if (got.size() >= count || System.nanoTime() > deadline) {
                Thread.sleep(200); // and nothing more arrives
                return deliveries().stream().filter(which).map(r -> String.join(" ", Arrays.copyOf(r, 4))).toList();
            }
            Thread.sleep(50);
        }
    }

    private static Predicate<String[]> bean(String name, String id) {
        return r -> r[0].equals(name) && r[1].equals(id);
    }

    /** Waits until the beans have queried (registered) the ids: the server knows them as listeners. */
    private void pushWhenListening(String id, String value) throws Exception {
        ModstampServerExtension.awaitListener(id);
        assertEquals(Map.of(id, value), producer.push(Map.of(id, value)));
    }

    @Test
    void aChangeReachesTheBeanWithItsValueAndThePreviousOne() throws Exception {
        pushWhenListening("order", "1");
        // delivered before the next push: one pushed while "1" still waits for the bean would replace it
        assertEquals(List.of("OrdersBean order 1 null"), waitFor(bean("OrdersBean", "order"), 1));
        pushWhenListening("order", "2");
        assertEquals(List.of("OrdersBean order 1 null", "OrdersBean order 2 1"), waitFor(bean("OrdersBean", "order"), 2));
    }

    /** A bean that watches {@code watched.*} gets every id under it, named by nobody, each with its revision. */
    @Test
    void aBeanWatchingAPrefixGetsEveryIdUnderItWithItsRevision() throws Exception {
        ModstampServerExtension.awaitListener("watched.*");
        producer.push(Map.of("watched.1", "a"));
        producer.push(Map.of("other.1", "x"));
        producer.push(Map.of("watched.2", "b"));
        List<String> got = waitFor(r -> r[0].equals("WatchingBean"), 2);
        assertEquals(2, got.size(), got.toString());
        assertTrue(got.get(0).matches("WatchingBean watched\\.1 a @\\d+"), got.toString());
        assertTrue(got.get(1).matches("WatchingBean watched\\.2 b @\\d+"), got.toString());
        long first = Long.parseLong(got.get(0).substring(got.get(0).indexOf('@') + 1));
        long second = Long.parseLong(got.get(1).substring(got.get(1).indexOf('@') + 1));
        assertEquals(first + 2, second, "the change of other.1 took the revision between them");
    }

    @Test
    void twoBeansOnOverlappingIdsEachGetTheChangeOnce() throws Exception {
        pushWhenListening("shared", "s1");
        assertEquals(List.of("OrdersBean shared s1 null"), waitFor(bean("OrdersBean", "shared"), 1));
        assertEquals(List.of("SharedBean shared s1 null"), waitFor(bean("SharedBean", "shared"), 1));
    }

    @Test
    void aBeanThatThrowsGetsTheChangeAgainCommitsItAndGetsLaterChanges() throws Exception {
        pushWhenListening("boom", "b1");
        assertEquals(List.of("ThrowingBean boom b1 null", "ThrowingBean boom b1 null"),
                waitFor(bean("ThrowingBean", "boom"), 2), "delivered again after the rollback");
        assertEquals(List.of("ThrowingBean-committed boom b1 null"), waitFor(bean("ThrowingBean-committed", "boom"), 1));
        List<String[]> attempts = deliveries().stream().filter(bean("ThrowingBean", "boom")).toList();
        System.out.printf("ra-redelivery: after a rollback the bean had the change again in %.1f ms%n",
                (Long.parseLong(attempts.get(1)[5]) - Long.parseLong(attempts.get(0)[5])) / 1000.0);
        pushWhenListening("boom", "b2");
        assertEquals(List.of("ThrowingBean-committed boom b1 null", "ThrowingBean-committed boom b2 b1"),
                waitFor(bean("ThrowingBean-committed", "boom"), 2));
    }

    @Test
    void aBeanThatMarksItsTransactionForRollbackGetsTheChangeAgain() throws Exception {
        pushWhenListening("rbo", "r1");
        assertEquals(List.of("RollbackOnlyBean rbo r1 null", "RollbackOnlyBean rbo r1 null"),
                waitFor(bean("RollbackOnlyBean", "rbo"), 2), "the adapter saw the rollback through its XAResource");
        assertEquals(List.of("RollbackOnlyBean-committed rbo r1 null"),
                waitFor(bean("RollbackOnlyBean-committed", "rbo"), 1));
    }

    /** The docs' pusher pushes through its connection factory, and the docs' message-driven bean hears it. */
    @Test
    void theDocsSnippetsMakeAnApplicationWhoseBeanHearsWhatItPushes() throws Exception {
        ModstampServerExtension.awaitListener("orders");
        long before = api("GET", "docs/evicted").lines().filter("orders"::equals).count();
        assertEquals("pushed", api("POST", "docs/changed"));
        assertEquals("true", api("GET", "docs/evicted/await?id=orders&times=" + (before + 1)),
                "the docs' OrdersChanged evicted orders after the docs' Orders pushed");
        assertEquals(List.of(), api("GET", "docs/evicted").lines().filter(id -> !id.equals("orders")).toList(),
                "the docs' bean listens to orders and stock, and only orders changed");
    }

    @Test
    void theOutboundConnectionPushesAndGets() throws Exception {
        assertEquals("{out=7}", http("POST", "push?id=out&value=7"));
        assertEquals("7", http("GET", "get?id=out"));
        assertEquals(Map.of("out", "7"), producer.get(List.of("out")));
    }

    /**
     * A benchmark, not a check of speed: prints the C-to-MDB latency and its stages ({@link DeliveryLatencies}), first
     * right after the deployment ({@code cold}: the code on the way is still interpreted), then once the JIT
     * compilers of both JVMs (the container's, and this one's with the server and the producer) have gone quiet:
     * paced ({@code warm-paced}), and one after the other ({@code warm}, as {@code cold}); then the lag at 1,000
     * changes a second. The stages, from the times the bean sees: the C's way to the adapter's socket (the server's
     * handling and the Signal; {@code receivedAt}), the adapter's (its queue, the Work, the endpoint and the
     * transaction's begin, until {@code onModstampChange} runs), and the bean's transaction until it committed. The
     * adapter's own stages are in its FINE log (docs/jakarta-ee.md).
     */
    @Test
    void latencyFromChangeToBean() throws Exception {
        DeliveryLatencies.print("ra-latency: ", new DeliveryLatencies.Bench(producer,
                value -> awaitRow("OrdersBean-committed", DeliveryLatencies.ID, value), this::latDeliveries,
                () -> Long.parseLong(http("GET", "jit"))));

        int burst = 1000;
        Instant start = Instant.now();
        for (int i = 0; i < burst; i++) {
            producer.pushAsync(Map.of("lat", "burst" + i));
            Thread.sleep(1);
        }
        Thread.sleep(500); // no polling while the burst is delivered: the probe would compete for the CPU
        List<String[]> delivered = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            delivered = deliveries().stream().filter(bean("OrdersBean", "lat").and(r -> r[2].startsWith("burst"))).toList();
            if (delivered.stream().anyMatch(r -> r[2].equals("burst" + (burst - 1)))) {
                break;
            }
            Thread.sleep(20);
        }
        double seconds = Duration.between(start, Instant.now()).toNanos() / 1e9 - 0.5;
        long lastLagMicros = delivered.isEmpty() ? -1 : Long.parseLong(delivered.get(delivered.size() - 1)[5])
                - Long.parseLong(delivered.get(delivered.size() - 1)[4]);
        System.out.printf("ra-burst: pushed=%d delivered=%d seconds=%.2f last_queue_lag_us=%d%n", burst,
                delivered.size(), seconds, lastLagMicros);
        assertTrue(delivered.stream().anyMatch(r -> r[2].equals("burst" + (burst - 1))), "the latest value arrived");
    }

    /** OrdersBean's committed deliveries of "lat" whose value starts with {@code prefix}, by value. */
    private Map<String, DeliveryLatencies.Delivery> latDeliveries(String prefix) throws Exception {
        Map<String, String[]> delivered = new HashMap<>();
        Map<String, String[]> committed = new HashMap<>();
        for (String line : http("GET", "deliveries?value=" + prefix).split("\n")) {
            String[] row = line.split(" ");
            if (row.length == 6 && row[1].equals("lat")) {
                (row[0].equals("OrdersBean") ? delivered : committed).putIfAbsent(row[2], row);
            }
        }
        Map<String, DeliveryLatencies.Delivery> deliveries = new HashMap<>();
        delivered.forEach((value, row) -> {
            if (committed.containsKey(value)) {
                deliveries.put(value, new DeliveryLatencies.Delivery(Long.parseLong(row[5]), Long.parseLong(row[4]),
                        Long.parseLong(committed.get(value)[5])));
            }
        });
        return deliveries;
    }

    private String[] awaitRow(String beanName, String id, String value) throws Exception {
        String line = http("GET", "deliveries/await?bean=" + beanName + "&id=" + id + "&value=" + value);
        assertFalse(line.isBlank(), beanName + " got " + id + " = " + value);
        return line.split(" ");
    }
}
