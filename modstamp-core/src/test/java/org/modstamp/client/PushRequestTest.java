package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.modstamp.wire.Message;

/** A push driven by hand (its clock is the test's) against a server played on loopback. */
class PushRequestTest {
    private static final ClientConfig CONFIG = ClientConfig.defaults()
            .withResendTimeout(Duration.ofMillis(100)).withRequestTimeout(Duration.ofMillis(1_000));
    private static final long MS = 1_000_000;

    private static Map<String, byte[]> changes(String... idValue) {
        Map<String, byte[]> changes = new LinkedHashMap<>();
        for (int i = 0; i < idValue.length; i += 2) {
            changes.put(idValue[i], idValue[i + 1].getBytes());
        }
        return changes;
    }

    @Test
    void resendsWhatIsUnconfirmedUntilEveryIdHasItsMWithTheSameValue() throws Exception {
        try (PlayedServer server = new PlayedServer(null); ClientChannel channel = ClientChannel.open(server.address(), CONFIG)) {
            CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
            long t0 = 0;
            PushRequest push = PlayedServer.started(new PushRequest(channel, changes("a", "1", "b", "2"), result, t0), channel);
            PlayedServer.Request sent = server.receive();
            assertEquals(List.of(Message.change("a", "1".getBytes()), Message.change("b", "2".getBytes())), sent.messages());

            server.answer(sent, Message.modified("a", "1".getBytes()), Message.modified("b", "other".getBytes()));
            PlayedServer.deliverNext(channel, push);
            assertFalse(result.isDone(), "b's M has another value");
            assertEquals(100 * MS, push.tick(t0 + 50 * MS), "nothing due before the resend timeout");
            assertTrue(server.receiveWithin(50).isEmpty());

            assertEquals(200 * MS, push.tick(t0 + 100 * MS));
            PlayedServer.Request resent = server.receive();
            assertEquals(List.of(Message.change("b", "2".getBytes())), resent.messages(), "only b is resent");
            server.answer(resent, Message.modified("b", "2".getBytes()));
            PlayedServer.deliverNext(channel, push);
            assertEquals(Map.of("a", "1", "b", "2"), result.getNow(null));
            assertEquals(Exchange.DONE, push.tick(t0 + 150 * MS));
        }
    }

    @Test
    void theRequestTimeoutCompletesWithWhatWasConfirmed() throws Exception {
        try (PlayedServer server = new PlayedServer(null); ClientChannel channel = ClientChannel.open(server.address(), CONFIG)) {
            CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
            PushRequest push = PlayedServer.started(new PushRequest(channel, changes("a", "1", "b", "2"), result, 0), channel);
            PlayedServer.Request sent = server.receive();
            server.answer(sent, Message.modified("a", "1".getBytes()));
            PlayedServer.deliverNext(channel, push);
            assertEquals(1_000 * MS, push.tick(950 * MS), "the last resend was due at the deadline");
            assertEquals(Exchange.DONE, push.tick(1_000 * MS));
            assertEquals(Map.of("a", "1"), result.getNow(null));
        }
    }

    @Test
    void onlyAnMToADatagramOfThisPushConfirmsIt() throws Exception {
        ClientConfig sealed = CONFIG.withProfile(ClientChannelTest.OPS);
        try (PlayedServer server = new PlayedServer(ClientChannelTest.OPS);
             ClientChannel channel = ClientChannel.open(server.address(), sealed)) {
            CompletableFuture<Map<String, String>> first = new CompletableFuture<>();
            CompletableFuture<Map<String, String>> second = new CompletableFuture<>();
            PushRequest firstPush = PlayedServer.started(new PushRequest(channel, changes("v", "1"), first, 0), channel);
            PushRequest secondPush = PlayedServer.started(new PushRequest(channel, changes("v", "1"), second, 0), channel);
            PlayedServer.Request firstSent = server.receive();
            server.receive();
            server.answer(firstSent, Message.modified("v", "1".getBytes()));
            ClientChannel.Received m = PlayedServer.next(channel);
            for (Exchange push : List.of(firstPush, secondPush)) {
                m.messages().forEach(message -> push.received(message, m.inReplyTo()));
            }
            assertEquals(Map.of("v", "1"), first.getNow(null));
            assertFalse(second.isDone(), "the M names the first push's datagram, not the second's");
        }
    }
}
