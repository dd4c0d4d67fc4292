package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.modstamp.wire.Message;

/** A query round driven by hand against a server played on loopback. */
class GetRequestTest {
    private static final ClientConfig CONFIG = ClientConfig.defaults()
            .withResendTimeout(Duration.ofMillis(100)).withRequestTimeout(Duration.ofMillis(500));
    private static final long MS = 1_000_000;

    @Test
    void resendsTheQueriesOfIdsWithoutAReplyUntilEachHasOne() throws Exception {
        try (PlayedServer server = new PlayedServer(null); ClientChannel channel = ClientChannel.open(server.address(), CONFIG)) {
            CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
            GetRequest get = PlayedServer.started(new GetRequest(channel, new LinkedHashSet<>(List.of("a", "b")), result, 0), channel);
            PlayedServer.Request sent = server.receive();
            assertEquals(List.of(Message.query("a"), Message.query("b")), sent.messages());
            server.answer(sent, Message.reply("a", "1".getBytes()), Message.modified("b", "x".getBytes()));
            PlayedServer.deliverNext(channel, get);
            assertFalse(result.isDone(), "an M is no Reply");

            get.tick(100 * MS);
            PlayedServer.Request resent = server.receive();
            assertEquals(List.of(Message.query("b")), resent.messages());
            server.answer(resent, Message.reply("b", new byte[0]));
            PlayedServer.deliverNext(channel, get);
            Map<String, String> expected = new HashMap<>();
            expected.put("a", "1");
            expected.put("b", null);
            assertEquals(expected, result.getNow(null), "an id without a value is null");
            assertEquals(Exchange.DONE, get.tick(150 * MS));
        }
    }

    @Test
    void aMissingReplyFailsTheResultWithATimeoutNamingTheIds() throws Exception {
        try (PlayedServer server = new PlayedServer(null); ClientChannel channel = ClientChannel.open(server.address(), CONFIG)) {
            CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
            GetRequest get = PlayedServer.started(new GetRequest(channel, new LinkedHashSet<>(List.of("a", "b")), result, 0), channel);
            server.answer(server.receive(), Message.reply("a", "1".getBytes()));
            PlayedServer.deliverNext(channel, get);
            assertEquals(Exchange.DONE, get.tick(500 * MS));
            var e = assertThrows(ExecutionException.class, result::get);
            assertTrue(e.getCause() instanceof ModstampTimeoutException);
            assertTrue(e.getCause().getMessage().contains("within 500 ms for 1 of 2 id(s), such as [b]"),
                    e.getCause().getMessage());
        }
    }
}
