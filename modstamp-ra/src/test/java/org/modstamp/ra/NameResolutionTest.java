package org.modstamp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.modstamp.client.ModstampClient;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.inbound.ModstampActivationSpec;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;

/**
 * Server names resolved when used. Runs in a test JVM of its own (a surefire execution of the module's
 * pom) whose host names come from a hosts file this test writes ({@code jdk.net.hosts.file}), with no
 * cache of lookups, so that a name can be made to appear and to move.
 */
class NameResolutionTest {
    private static final Path HOSTS = Path.of(System.getProperty("jdk.net.hosts.file"));

    static {
        // the JDK's security properties (10 s for failed lookups) outrank the command line's sun.net.inetaddr.*
        java.security.Security.setProperty("networkaddress.cache.ttl", "0");
        java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
    }

    private static void hosts(String lines) throws Exception {
        Files.writeString(HOSTS, "127.0.0.1 localhost\n" + lines);
    }

    @Test
    void aNameThatDoesNotResolveYetIsTriedAgainAndAListenFollowsItsNameToANewAddress() throws Exception {
        hosts("");
        try (RunningAdapter running = RunningAdapter.start(a -> { });
             ModstampServer moved = ModstampServer.start(ServerConfig.defaults()
                     .withListen(new InetSocketAddress("127.0.0.2", running.server.port())), new MemoryValueStore());
             ModstampClient movedProducer = ModstampClient.open("127.0.0.2:" + running.server.port())) {
            BlockingQueue<ModstampChange> got = new LinkedBlockingQueue<>();
            ModstampActivationSpec spec = new ModstampActivationSpec();
            spec.setServer("modstamp.test:" + running.server.port());
            spec.setModstamps("dns");
            spec.setInitialValues(ModstampActivationSpec.ALL);
            spec.setQueryInterval(1);
            running.adapter.endpointActivation(FakeContainer.endpoints("Named", got::add), spec); // no exception

            running.producer.push(Map.of("dns", "1"));
            hosts("127.0.0.1 modstamp.test\n"); // the name appears
            ModstampChange first = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(first, "the activation listened once the name resolved");
            assertEquals("1", first.value());

            movedProducer.push(Map.of("dns", "2"));
            hosts("127.0.0.2 modstamp.test\n"); // the name moves to another server
            ModstampChange second = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(second, "the listen followed the name to its new address");
            assertEquals("2", second.value());
            assertEquals("1", second.previousValue(), "from what the listen knew before");
        }
    }
}
