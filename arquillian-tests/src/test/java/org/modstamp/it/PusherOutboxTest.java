package org.modstamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;

/**
 * The pusher with its transactional outbox in Payara Micro's default DataSource: the row is written in the
 * application's transaction, marked once the server confirmed it, and never written for a rollback.
 */
@ExtendWith({FreshPayaraRoot.class, ModstampServerExtension.class, CountingProxy.class, ArquillianExtension.class})
class PusherOutboxTest {
    private static ModstampClient client;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive app() {
        return PusherCalls.probeApplication("pusher-outbox-test.war")
                .addAsResource(new StringAsset("modstamp.pusher.outbox=java:comp/DefaultDataSource\n"),
                        "META-INF/microprofile-config.properties");
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
        return PusherCalls.http(base, "POST", path);
    }

    /** The outbox's rows for {@code id}, as "id=value confirmed|unconfirmed", waiting (5 s) for {@code expected}. */
    private String awaitRow(String id, String expected) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        String row;
        do {
            row = PusherCalls.http(base, "GET", "outbox?id=" + id);
            if (row.equals(expected)) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return row;
    }

    @Test
    void aCommittedChangeIsSentAndItsRowMarkedConfirmed() throws Exception {
        assertEquals("committed", post("cdi/commit?id=oc&value=1"));
        assertEquals("1", PusherCalls.awaitValue(client, "oc", "1", 10));
        assertEquals("oc=1 confirmed", awaitRow("oc", "oc=1 confirmed"));
    }

    @Test
    void aRolledBackTransactionLeavesNoRowAndSendsNothing() throws Exception {
        assertEquals("rolled back", post("cdi/rollback?id=or&value=1"));
        assertEquals("rolled back", post("ejb/rollback?id=or&value=2"));
        assertEquals("committed", post("cdi/commit?id=or2&value=after")); // one sender, in order
        assertEquals("after", PusherCalls.awaitValue(client, "or2", "after", 10));
        assertEquals("", PusherCalls.http(base, "GET", "outbox?id=or"), "the row was rolled back with the transaction");
        assertEquals(List.of(), CountingProxy.changesOf("or"));
    }

    @Test
    void aChangeCommittedWhileTheServerIsUnreachableWaitsInTheOutbox() throws Exception {
        CountingProxy.down(true);
        try {
            assertEquals("committed", post("cdi/commit?id=od&value=late"));
            assertEquals("od=late unconfirmed", awaitRow("od", "od=late unconfirmed"));
        } finally {
            CountingProxy.down(false);
        }
        assertEquals("late", PusherCalls.awaitValue(client, "od", "late", 20));
        assertEquals("od=late confirmed", awaitRow("od", "od=late confirmed"));
    }

    /** A benchmark, not a check of speed: commit-to-confirmation with the row written in the transaction. */
    @Test
    void commitToConfirmationWithTheOutbox() throws Exception {
        String stats = post("bench?n=300");
        System.out.println("pusher-outbox: " + stats);
        assertTrue(stats.contains("failed=0"), stats);
    }
}
