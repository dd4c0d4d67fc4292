package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.modstamp.server.AbuseLimits;
import org.modstamp.server.MutableClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/**
 * Reflection: forged Queries with sources in a victim's network, each asking for a 255-byte value, get the
 * victim's network at most 3 times the attacker's bytes (plus the configured burst and rate) over 10 s.
 */
class ReplyRateTest {
    private static final InetSocketAddress PRODUCER = new InetSocketAddress("127.0.0.1", 7000);

    /** Bytes sent to 192.0.2.0/24 while an attacker sends 1,000 forged Queries a second for 10 s; {attacker, victim}. */
    private static long[] reflect(AbuseLimits limits, ServerStats stats) {
        MutableClock clock = new MutableClock();
        DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withLimits(limits).withClock(clock),
                new MemoryValueStore(), new ListenerRegistry(300), stats);
        handler.handleOne(PRODUCER, ByteBuffer.wrap(MessageEncoder.plainDatagram(
                Message.change("big", "v".repeat(255).getBytes()))));
        byte[] query = MessageEncoder.plainDatagram(Message.query("big"));
        long attacker = 0;
        long victim = 0;
        for (int i = 0; i < 10_000; i++) {
            InetSocketAddress forged = new InetSocketAddress("192.0.2." + (i % 256), 1024 + i);
            attacker += query.length;
            victim += handler.handleOne(forged, ByteBuffer.wrap(query)).stream().mapToLong(d -> d.bytes().length).sum();
            clock.advance(Duration.ofMillis(1));
        }
        // a client on another network is not affected
        assertEquals(1, handler.handleOne(new InetSocketAddress("198.51.100.7", 4000), ByteBuffer.wrap(query)).size());
        return new long[] {attacker, victim};
    }

    @Test
    void aForgedVictimNetworkGetsAtMostThreeTimesTheAttackersBytesPlusItsBurst() {
        ServerStats stats = new ServerStats();
        AbuseLimits strict = AbuseLimits.defaults().withReplyRate(0, AbuseLimits.ONE_REPLY + 100);
        long[] bytes = reflect(strict, stats);
        assertTrue(bytes[1] <= 3 * bytes[0] + AbuseLimits.ONE_REPLY + 100,
                "victim got " + bytes[1] + " bytes for the attacker's " + bytes[0]);
        assertTrue(bytes[1] > 2 * bytes[0], "and still some Replies: " + bytes[1]);
        assertTrue(stats.snapshot().repliesRateLimited() > 0);
    }

    @Test
    void theDefaultsAddTheirRateAndBurstToTheThreeTimes() {
        AbuseLimits defaults = AbuseLimits.defaults();
        long[] bytes = reflect(defaults, new ServerStats());
        assertTrue(bytes[1] <= 3 * bytes[0] + defaults.replyBurstPerPrefix() + 10L * defaults.replyBytesPerSecondPerPrefix(),
                "victim got " + bytes[1] + " bytes for the attacker's " + bytes[0]);
    }
}
