package org.modstamp.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.modstamp.wildfly.app.ChangesBean;

/**
 * The MDB application every container test deploys (its classes in {@code org.modstamp.wildfly.app}, the pusher's
 * jar, and WildFly's two descriptors, which other containers ignore), and what the tests ask it over HTTP.
 */
public final class OrdersApplication {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);

    private final int httpPort;
    private final Callable<String> log;

    /** The application of a container serving HTTP on {@code httpPort}; {@code log} says what it logged. */
    public OrdersApplication(int httpPort, Callable<String> log) {
        this.httpPort = httpPort;
        this.log = log;
    }

    /** Writes {@code orders-app.war} into {@code deployments}. */
    public static Path war(Path deployments) {
        Path file = deployments.resolve("orders-app.war");
        ShrinkWrap.create(WebArchive.class, "orders-app.war")
                .addPackage(ChangesBean.class.getPackage())
                .addAsLibrary(deployments.resolve("modstamp-client-ejb.jar").toFile())
                .addAsWebInfResource("app/jboss-ejb3.xml", "jboss-ejb3.xml")
                .addAsWebInfResource("app/jboss-deployment-structure.xml", "jboss-deployment-structure.xml")
                .as(ZipExporter.class).exportTo(file.toFile(), true);
        return file;
    }

    /** Waits until the MDB received {@code change} {@code times} times. */
    public void awaitReceived(String change, int times) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String received = "";
        while (System.nanoTime() < deadline) {
            received = get("/orders-app/api/orders/received");
            if (received.lines().filter(change::equals).count() >= times) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the MDB did not receive " + change + " " + times + " times; it received ["
                + received + "]\n" + log.call());
    }

    public String post(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(HTTP_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    public String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(HTTP_TIMEOUT).GET().build());
    }

    private static String send(HttpRequest request) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> request + ": " + response.body());
        return response.body();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }
}
