package org.modstamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;

/**
 * The application module (modstamp-client-ejb in WEB-INF/lib) in a real Payara Micro: the pusher sends
 * after commit and never on rollback, through a proxy that counts the C messages reaching the server
 * and can play an unreachable server; change events reach qualified observers.
 */
@ExtendWith({FreshPayaraRoot.class, ModstampServerExtension.class, CountingProxy.class, ArquillianExtension.class})
class PusherTest {
    private static ModstampClient client;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive app() {
        return PusherCalls.probeApplication("pusher-test.war");
    }

    @BeforeAll
    static void client() throws Exception {
        client = ModstampClient.open(ModstampServerExtension.address(), ClientConfig.defaults());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private String post(String path) throws Exception {
        return http("POST", path);
    }

    private String http(String method, String path) throws Exception {
        return PusherCalls.http(base, method, path);
    }

    private static String awaitValue(String id, String expected, int seconds) throws Exception {
        return PusherCalls.awaitValue(client, id, expected, seconds);
    }

    @Test
    void aCommittedCdiTransactionPushesAndAListenerSeesIt() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        client.push(Map.of("pc", "0"));
        assertTrue(client.listen(Map.of("pc", "0"), (id, value) -> seen.add(id + "=" + value))
                .awaitReady(Duration.ofSeconds(10)), "the server answered the listen's first Query");
        assertEquals("committed", post("cdi/commit?id=pc&value=1"));
        assertEquals("pc=1", seen.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void anAfterSuccessObserverPushesTheCommittedChange() throws Exception {
        assertEquals("committed", post("cdi/announce?id=pa&value=1"));
        assertEquals("1", awaitValue("pa", "1", 10));
        assertEquals(List.of("1"), CountingProxy.changesOf("pa"));
    }

    @Test
    void aCommittedEjbTransactionPushes() throws Exception {
        assertEquals("committed", post("ejb/commit?id=pe&value=1"));
        assertEquals("1", awaitValue("pe", "1", 10));
        assertEquals(List.of("1"), CountingProxy.changesOf("pe"));
    }

    @Test
    void aRolledBackTransactionSendsNothing() throws Exception {
        assertEquals("rolled back", post("cdi/rollback?id=pr&value=1"));
        assertEquals("rolled back", post("ejb/rollback?id=pr&value=2"));
        post("cdi/marked?id=pr&value=3"); // marked for rollback before the push: rolled back without a throw
        Thread.sleep(1000);
        assertEquals(List.of(), CountingProxy.changesOf("pr"), "no C reached the server");
        assertEquals(null, client.get(List.of("pr")).get("pr"));
    }

    @Test
    void twoPushesOfAnIdInOneTransactionSendOneChangeWithTheLastValue() throws Exception {
        assertEquals("committed", post("cdi/twice?id=pt&first=a&second=b"));
        assertEquals("b", awaitValue("pt", "b", 10));
        Thread.sleep(300);
        assertEquals(List.of("b"), CountingProxy.changesOf("pt"));
    }

    @Test
    void aChangeCommittedWhileTheServerIsUnreachableArrivesWhenItComesBack() throws Exception {
        CountingProxy.down(true);
        try {
            assertEquals("committed", post("cdi/commit?id=pd&value=late"));
            Thread.sleep(2000);
            assertEquals(null, client.get(List.of("pd")).get("pd"), "nothing got through while down");
        } finally {
            CountingProxy.down(false);
        }
        assertEquals("late", awaitValue("pd", "late", 20));
    }

    @Test
    void qualifiedObserversSeeTheirIdOnly() throws Exception {
        ModstampServerExtension.awaitListener("x"); // the bridge has queried x and y
        ModstampServerExtension.awaitListener("y");
        client.push(Map.of("x", "1"));
        client.push(Map.of("y", "1"));
        String report = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!report.contains("y=1") && System.nanoTime() < deadline) {
            report = http("GET", "observed");
            Thread.sleep(50);
        }
        assertEquals("x: [x=1]\nall: [x=1, y=1]", report);
    }

    /** A benchmark, not a check of speed: commit-to-confirmation and the committing thread's cost. */
    @Test
    void commitToConfirmation() throws Exception {
        String stats = post("bench?n=300");
        System.out.println("pusher: " + stats);
        assertTrue(stats.contains("failed=0"), stats);
    }
}
