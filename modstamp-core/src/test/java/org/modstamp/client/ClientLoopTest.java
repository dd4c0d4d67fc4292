package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.modstamp.wire.Message;

/**
 * A client's loop against a server played on loopback: a request's first datagram leaves from the caller's
 * thread, and its answer finds it however the loop is busy.
 */
class ClientLoopTest {
    /** No resend within a test: every request must be answered by its first datagram. */
    private static final ClientConfig CONFIG = ClientConfig.defaults()
            .withResendTimeout(Duration.ofSeconds(20)).withRequestTimeout(Duration.ofSeconds(30));

    private static byte[] bytes(String s) {
        return s.getBytes();
    }

    @Test
    void aPushLeavesFromTheCallersThreadWhileTheLoopIsBusyAndItsMFindsIt() throws Exception {
        try (PlayedServer server = new PlayedServer(null); ModstampClient client = ModstampClient.open(server.address(), CONFIG)) {
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> first = client.pushAsync(Map.of("a", "1")).thenRun(() -> { // on the loop's thread
                busy.countDown();
                awaitQuietly(release);
            });
            server.answer(server.receive(), Message.modified("a", bytes("1")));
            assertTrue(busy.await(5, TimeUnit.SECONDS), "the first push's stage runs on the loop");

            CompletableFuture<Map<String, String>> second = client.pushAsync(Map.of("b", "2"));
            PlayedServer.Request sent = server.receive(); // fails after 5 s if the Change waits for the loop
            assertEquals(List.of(Message.change("b", bytes("2"))), sent.messages());
            server.answer(sent, Message.modified("b", bytes("2"))); // queued at the client before its loop has the push

            release.countDown();
            assertEquals(Map.of("b", "2"), second.get(5, TimeUnit.SECONDS));
            first.get(5, TimeUnit.SECONDS);
            assertTrue(server.receiveWithin(200).isEmpty(), "nothing was resent");
        }
    }

    @Test
    void aGetLeavesFromTheCallersThreadToo() throws Exception {
        try (PlayedServer server = new PlayedServer(null); ModstampClient client = ModstampClient.open(server.address(), CONFIG)) {
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            client.pushAsync(Map.of("a", "1")).thenRun(() -> {
                busy.countDown();
                awaitQuietly(release);
            });
            server.answer(server.receive(), Message.modified("a", bytes("1")));
            assertTrue(busy.await(5, TimeUnit.SECONDS));

            CompletableFuture<Map<String, String>> got = client.getAsync(List.of("g"));
            PlayedServer.Request sent = server.receive();
            assertEquals(List.of(Message.query("g")), sent.messages());
            server.answer(sent, Message.reply("g", bytes("7")));
            release.countDown();
            assertEquals(Map.of("g", "7"), got.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPushStartedOnTheLoopsOwnThreadIsSentAndConfirmed() throws Exception {
        try (PlayedServer server = new PlayedServer(null); ModstampClient client = ModstampClient.open(server.address(), CONFIG)) {
            // the second push starts on the loop while it passes the first one its M, walking its list of pushes
            CompletableFuture<Map<String, String>> chained = client.pushAsync(Map.of("a", "1"))
                    .thenCompose(confirmed -> client.pushAsync(Map.of("b", "2")));
            server.answer(server.receive(), Message.modified("a", bytes("1")));
            PlayedServer.Request sent = server.receive();
            assertEquals(List.of(Message.change("b", bytes("2"))), sent.messages());
            server.answer(sent, Message.modified("b", bytes("2")));
            assertEquals(Map.of("b", "2"), chained.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPushWhoseFirstDatagramIsLostIsResentThoughNothingElseWakesTheLoop() throws Exception {
        ClientConfig resending = CONFIG.withResendTimeout(Duration.ofMillis(100));
        try (PlayedServer server = new PlayedServer(null);
             ModstampClient client = ModstampClient.open(server.address(), resending)) {
            CompletableFuture<Map<String, String>> waited = CompletableFuture.supplyAsync(() -> client.push(Map.of("a", "1")));
            server.receive(); // lost: no M
            PlayedServer.Request resent = server.receive(); // fails after 5 s if no one wakes the loop for the resend
            server.answer(resent, Message.modified("a", bytes("1")));
            assertEquals(Map.of("a", "1"), waited.get(5, TimeUnit.SECONDS));

            CompletableFuture<Map<String, String>> async = client.pushAsync(Map.of("b", "2"));
            server.receive();
            server.answer(server.receive(), Message.modified("b", bytes("2")));
            assertEquals(Map.of("b", "2"), async.get(5, TimeUnit.SECONDS));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
