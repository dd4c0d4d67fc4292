package org.modstamp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.modstamp.testing.NatNetwork.Host;
import org.modstamp.testing.NatNetwork.NatMapping;

/**
 * The kernel NAT of {@link NatNetwork} does what the NAT tests rely on: a mapping carries answers while it is
 * younger than the lifetime set and none after; a random-port NAT maps a socket to another port after expiry; a
 * restart forgets every mapping. The two NATs run at the same time.
 */
class NatNetworkTest {
    private static final int LIFETIME = 3;
    private static final Duration ANSWER = Duration.ofSeconds(5);
    private static final int PORT = 7000;
    private static final Path TIMEOUT = Path.of("/proc/sys/net/netfilter/nf_conntrack_udp_timeout");
    /** This namespace's UDP timeout, before any NAT of the test. */
    private static final String OWN_TIMEOUT = ownTimeout();

    private static String ownTimeout() {
        try {
            return Files.exists(TIMEOUT) ? Files.readString(TIMEOUT) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void kernelNatsBehaveAsTheTestsNeed() throws Exception {
        CompletableFuture<Void> preserving = CompletableFuture.runAsync(() -> check(NatMapping.MASQUERADE));
        CompletableFuture<Void> random = CompletableFuture.runAsync(() -> check(NatMapping.RANDOM_PORT));
        CompletableFuture.allOf(preserving, random).exceptionally(failed -> null).join(); // both end, then report
        preserving.join();
        random.join();
    }

    private static void check(NatMapping mapping) {
        try (NatNetwork net = NatNetwork.create(mapping, LIFETIME);
             NamespaceJvm echo = NamespaceJvm.start(net, Host.SERVER, "echo", DelayedEcho.class, List.of(),
                     List.of("serve", String.valueOf(PORT)));
             NamespaceJvm asker = NamespaceJvm.start(net, Host.CLIENT, "asker", DelayedEcho.class, List.of(),
                     List.of("ask", NatNetwork.SERVER_ADDRESS + ":" + PORT))) {
            assertEquals(OWN_TIMEOUT, ownTimeout(), "the NAT's lifetime is its namespace's own: this one's is unchanged");
            echo.await("echo ready", Duration.ofSeconds(60));
            asker.await("asker ready", Duration.ofSeconds(60));
            asker.send("1500");
            String first = asker.await("seen " + NatNetwork.NAT_EXTERNAL_ADDRESS + ":", ANSWER).text();
            assertNotNull(asker.next("late", ANSWER), mapping + ": an answer 1.5 s after a datagram passes a 3 s NAT");
            asker.send(String.valueOf(LIFETIME * 1000 + 1500));
            String second = asker.await("seen ", ANSWER).text();
            assertEquals(first, second, mapping + ": a live mapping keeps its port");
            assertNull(asker.next("late", Duration.ofMillis(LIFETIME * 1000 + 3000)),
                    mapping + ": an answer after the mapping lifetime is dropped");
            asker.send("500");
            String third = asker.await("seen ", ANSWER).text();
            if (mapping == NatMapping.RANDOM_PORT) {
                assertNotEquals(first, third, "a random-port NAT gives a new mapping another port");
            }
            asker.await("late", ANSWER);
            asker.send("2000");
            asker.await("seen ", ANSWER);
            net.restart();
            assertNull(asker.next("late", Duration.ofSeconds(4)), mapping + ": a restarted NAT forgot the mapping");
        } catch (Exception e) {
            throw new IllegalStateException(mapping + ": " + e.getMessage(), e);
        }
    }
}
