package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modstamp.wire.Watches;
import org.modstamp.wire.Watches.Position;

/** A watch driven by hand (its clock is the test's) against a server played on loopback. */
class WatchSessionTest {
    private static final ClientConfig CONFIG = ClientConfig.defaults()
            .withResendTimeout(Duration.ofMillis(100)).withRequestTimeout(Duration.ofMillis(300))
            .withQueryInterval(Duration.ofSeconds(1), Duration.ZERO).withAdaptiveKeepAlive(false);
    private static final long MS = 1_000_000;
    private static final long EPOCH = 0x0102030405060708L;

    private PlayedServer server;
    private ClientChannel channel;
    private final List<String> told = new ArrayList<>();
    private final WatchHandler handler = new WatchHandler() {
        @Override
        public void onChange(String id, String value, long revision) {
            told.add(id + "=" + value + "@" + revision);
        }

        @Override
        public void onReset(Position now) {
            told.add("reset to " + now.revision());
        }
    };

    @BeforeEach
    void open() throws Exception {
        server = new PlayedServer(null);
        channel = ClientChannel.open(server.address(), CONFIG);
    }

    @AfterEach
    void close() {
        channel.close();
        server.close();
    }

    private WatchSession watch(Position from) {
        return new WatchSession(channel, new KeepAlive(channel, () -> { }), () -> { }, "o.", from, handler);
    }

    /** A WATCH resent before its answer came is answered twice: the second reset answers an old position. */
    @Test
    void aLateResetAnsweringAnEarlierWatchIsNotASecondReset() throws Exception {
        WatchSession watch = watch(new Position(EPOCH, 5));
        watch.tick(0);
        PlayedServer.Request first = server.receive();
        watch.tick(100 * MS);
        PlayedServer.Request resent = server.receive();
        server.answer(first, Watches.watched("o.", new Position(EPOCH, 900), Watches.RESET));
        PlayedServer.deliverNext(channel, watch);
        server.answer(resent, Watches.watched("o.", new Position(EPOCH, 901), Watches.RESET));
        PlayedServer.deliverNext(channel, watch);
        assertEquals(List.of("reset to 900"), told);
        assertEquals(new Position(EPOCH, 900), watch.position(), "the next WATCH catches up from here");

        watch.tick(1_000 * MS);
        PlayedServer.Request fromHere = server.receive();
        assertEquals(new Position(EPOCH, 900), Watches.position(fromHere.messages().get(0)).orElseThrow());
        server.answer(fromHere, Watches.watched("o.", new Position(EPOCH, 950), Watches.RESET));
        PlayedServer.deliverNext(channel, watch);
        assertEquals(List.of("reset to 900", "reset to 950"), told, "a reset of the position held is one");
    }

    @Test
    void aResetOfAnotherEpochIsAResetEvenLate() throws Exception {
        WatchSession watch = watch(new Position(EPOCH, 5));
        watch.tick(0);
        PlayedServer.Request first = server.receive();
        server.answer(first, Watches.watched("o.", new Position(EPOCH, 6), 0));
        PlayedServer.deliverNext(channel, watch);
        server.answer(first, Watches.watched("o.", new Position(EPOCH + 1, 0), Watches.RESET)); // the store was reset
        PlayedServer.deliverNext(channel, watch);
        assertEquals(List.of("reset to 0"), told);
        assertEquals(new Position(EPOCH + 1, 0), watch.position());
    }
}
