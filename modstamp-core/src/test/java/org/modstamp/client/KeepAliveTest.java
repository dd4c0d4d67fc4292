package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modstamp.wire.MappingProbe;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageType;

/**
 * The adaptive keep-alive against a played server: each round carries a PROBE; a server that answers none (a
 * libmodstamp one) leaves the fixed interval; one that answers makes the probes start, on sockets of their own; an
 * answer showing another address makes every listen query at once. (The learning itself: MappingLifetimeTest;
 * through a real NAT: NatListenTest.)
 */
class KeepAliveTest {
    private static final long FIXED = Duration.ofSeconds(25).toNanos();
    private PlayedServer server;
    private ClientChannel channel;
    private final AtomicInteger queriedAtOnce = new AtomicInteger();
    private KeepAlive keepAlive;

    @BeforeEach
    void open() throws Exception {
        server = new PlayedServer(null);
        channel = ClientChannel.open(server.address(), ClientConfig.defaults());
        keepAlive = new KeepAlive(channel, queriedAtOnce::incrementAndGet);
    }

    @AfterEach
    void close() {
        keepAlive.close();
        channel.close();
        server.close();
    }

    @Test
    void aRoundCarriesAProbeAndAServerWithoutTheExtensionLeavesTheFixedInterval() throws Exception {
        channel.send(keepAlive.withRound(List.of(Message.query("orders"))));
        PlayedServer.Request round = server.receive();
        assertEquals(2, round.messages().size());
        assertEquals(Message.query("orders"), round.messages().get(0));
        Message probe = round.messages().get(1);
        assertEquals(MessageType.PROBE, probe.type());
        assertEquals(0L, MappingProbe.delayMillis(probe).orElseThrow());
        server.answer(round, Message.reply("orders", null)); // as libmodstamp: the PROBE skipped
        PlayedServer.deliverNext(channel, keepAlive);
        assertEquals(Long.MAX_VALUE, keepAlive.tick(System.nanoTime()), "nothing to do");
        assertEquals(FIXED, keepAlive.intervalNanos(FIXED));
        assertFalse(keepAlive.status().serverProbes());
        assertEquals(List.of(Message.query("a")), new KeepAlive(ClientChannel.open(server.address(),
                ClientConfig.defaults().withAdaptiveKeepAlive(false)), () -> { }).withRound(List.of(Message.query("a"))),
                "a fixed keep-alive adds nothing");
    }

    @Test
    void anAnswerStartsTheProbesAndAnotherAddressMakesEveryListenQueryAtOnce() throws Exception {
        channel.send(keepAlive.withRound(List.of(Message.query("orders"))));
        PlayedServer.Request round = server.receive();
        String token = round.messages().get(1).id();
        server.answer(round, Message.reply("orders", null), MappingProbe.observed(token, round.from(), 300, false));
        PlayedServer.deliverNext(channel, keepAlive);
        keepAlive.tick(System.nanoTime());
        KeepAliveStatus status = keepAlive.status();
        assertTrue(status.serverProbes());
        assertEquals(round.from(), status.seenAs());
        assertEquals(7, status.probes(), "the first round: 5 s to 300 s, doubling");
        PlayedServer.Request first = server.receive();
        assertTrue(first.from().getPort() != round.from().getPort(), "a probe on a socket of its own");
        assertEquals(MessageType.PROBE, first.messages().get(0).type());
        assertEquals(FIXED, keepAlive.intervalNanos(FIXED), "nothing proven yet");
        assertEquals(0, queriedAtOnce.get());
        InetSocketAddress elsewhere = new InetSocketAddress(round.from().getAddress(), round.from().getPort() + 1);
        server.answer(round, MappingProbe.observed(token, elsewhere, 300, false));
        PlayedServer.deliverNext(channel, keepAlive);
        assertEquals(1, queriedAtOnce.get(), "the listens register the new mapping");
        assertEquals(1, keepAlive.status().mappingChanges());
        assertEquals(1, keepAlive.status().relearned());
        assertEquals(elsewhere, keepAlive.status().seenAs());
        MappingProbe.read(MappingProbe.observed("other", elsewhere, 300, false)).orElseThrow();
    }

    /**
     * A server that refuses every delayed answer (out of room or of reply credit) flags its acknowledgements: the
     * probes end saying nothing, and the next round waits instead of starting at once.
     */
    @Test
    void refusedProbesEndTheirRoundAndTheNextWaits() throws Exception {
        channel.send(keepAlive.withRound(List.of(Message.query("orders"))));
        PlayedServer.Request round = server.receive();
        server.answer(round, MappingProbe.observed(round.messages().get(1).id(), round.from(), 300, false));
        PlayedServer.deliverNext(channel, keepAlive);
        keepAlive.tick(System.nanoTime());
        assertEquals(7, keepAlive.status().probes());
        for (int i = 0; i < 7; i++) {
            server.receive(); // each probe's first PROBE, without delay: warming its mapping up
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(LifetimeProbe.WARM_NANOS));
        keepAlive.tick(System.nanoTime());
        for (int i = 0; i < 7; i++) {
            PlayedServer.Request ask = server.receive();
            Message probe = ask.messages().get(0);
            assertTrue(MappingProbe.delayMillis(probe).orElseThrow() > 0);
            server.answer(ask, MappingProbe.observed(probe.id(), ask.from(), 300, true));
        }
        long now = System.nanoTime();
        long next = keepAlive.tick(now);
        for (long deadline = now + TimeUnit.SECONDS.toNanos(5); next - now < TimeUnit.SECONDS.toNanos(5)
                && System.nanoTime() < deadline; ) { // until the refusals have been read: the pause is on
            now = System.nanoTime();
            next = keepAlive.tick(now);
        }
        assertEquals(7, keepAlive.status().probes(), "no new round at once");
        assertEquals(FIXED, keepAlive.intervalNanos(FIXED), "nothing learned from a refusal");
        assertTrue(next - now >= TimeUnit.MILLISECONDS.toNanos(MappingLifetime.FIRST_PAUSE_MILLIS - 1_000),
                "the next round after a pause: " + (next - now) + " ns");
    }
}
