package org.modstamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.modstamp.client.ModstampClient;
import org.modstamp.it.app.ProbeApplication;
import org.modstamp.it.pusher.AfterSuccessAnnouncer;
import org.modstamp.it.pusher.EventsBridge;
import org.modstamp.it.pusher.Observers;
import org.modstamp.it.pusher.PusherProbe;
import org.modstamp.it.pusher.TxEjb;
import org.modstamp.it.pusher.TxService;

/** What the pusher tests do from outside: drive the probe application, and read the modstamp server. */
final class PusherCalls {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PusherCalls() {
    }

    /** The probe application with the pusher (modstamp-client-ejb in WEB-INF/lib), as {@code name}. */
    static WebArchive probeApplication(String name) {
        return ShrinkWrap.create(WebArchive.class, name)
                .addClasses(TxService.class, TxEjb.class, Observers.class, EventsBridge.class, PusherProbe.class,
                        AfterSuccessAnnouncer.class, AfterSuccessAnnouncer.Changed.class, ProbeApplication.class)
                .addAsLibraries(new File("target/modstamp-client-ejb.jar"))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    /** A request to the probe's pusher resource; its body, after checking the status is 200. */
    static String http(URL base, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/pusher/" + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The value of {@code id} on the server, waiting up to {@code seconds} for it to become {@code expected}. */
    static String awaitValue(ModstampClient client, String id, String expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String value;
        do {
            value = client.get(List.of(id)).get(id);
            if (Objects.equals(value, expected)) {
                return value;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return value;
    }
}
