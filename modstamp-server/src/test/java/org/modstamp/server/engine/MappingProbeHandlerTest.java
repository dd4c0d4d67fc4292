package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.modstamp.server.MutableClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.MappingProbe;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageEncoder;

/** The server's side of the mapping-probe extension: the address seen at once, again after the delay, bounded. */
class MappingProbeHandlerTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.1", 40_000);

    private final MutableClock clock = new MutableClock();
    private final ServerStats stats = new ServerStats();
    private final DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withClock(clock),
            new MemoryValueStore(), new ListenerRegistry(300), stats);

    private List<Message> messages(OutgoingDatagram d) {
        ByteBuffer b = ByteBuffer.wrap(d.bytes());
        DatagramHeader.read(b).orElseThrow();
        return MessageDecoder.decode(b).orElseThrow();
    }

    private List<OutgoingDatagram> due() {
        Batch batch = new Batch();
        handler.sendDueProbes(batch);
        return handler.complete(batch);
    }

    private MappingProbe.Observed observed(List<OutgoingDatagram> out) {
        return MappingProbe.read(messages(out.get(0)).get(0)).orElseThrow();
    }

    @Test
    void aProbeIsAnsweredWithTheAddressSeenAtOnceAndTwiceAfterItsDelay() {
        List<OutgoingDatagram> out = handler.handleOne(CLIENT, ByteBuffer.wrap(MessageEncoder.plainDatagram(
                Message.query("orders"), MappingProbe.probe("k1", 15_000))));
        Message observed = MappingProbe.observed("k1", CLIENT, 300, false);
        assertEquals(1, out.size());
        assertEquals(List.of(Message.reply("orders", null), observed), messages(out.get(0)), "packed with the Reply");
        clock.advance(Duration.ofMillis(14_999));
        assertEquals(List.of(), due());
        clock.advance(Duration.ofMillis(1));
        List<OutgoingDatagram> later = due();
        assertEquals(2, later.size());
        for (OutgoingDatagram d : later) {
            assertEquals(CLIENT, d.recipient());
            assertEquals(List.of(observed), messages(d));
        }
        assertEquals(List.of(), due(), "once");
        assertEquals(1, stats.probes());
    }

    @Test
    void aDelayPastTheListenerTtlOrPastWhatOneAddressMayHoldIsAnsweredAtOnceOnly() {
        List<OutgoingDatagram> tooLong = handler.handleOne(CLIENT,
                ByteBuffer.wrap(MessageEncoder.plainDatagram(MappingProbe.probe("long", 300_001))));
        assertTrue(observed(tooLong).refused(), "the answer says the delayed one will not come");
        for (int i = 0; i < DelayedProbes.PER_ADDRESS + 3; i++) {
            List<OutgoingDatagram> out = handler.handleOne(new InetSocketAddress("203.0.113.1", 40_001 + i),
                    ByteBuffer.wrap(MessageEncoder.plainDatagram(MappingProbe.probe("t" + i, 1_000))));
            assertEquals(1, out.size(), "answered at once, whatever was held");
            assertEquals(i >= DelayedProbes.PER_ADDRESS, observed(out).refused(), "probe " + i);
        }
        assertEquals(DelayedProbes.PER_ADDRESS, handler.pendingProbes());
        assertEquals(4, stats.probesRefused());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2 * DelayedProbes.PER_ADDRESS, due().size());
        assertEquals(0, handler.pendingProbes(), "the address may hold as many again");
    }

    /**
     * A forged datagram full of probes with a short delay aims little at its victim later: one delayed answer per
     * datagram at most, none for a delay under a second, each counted once when sent.
     */
    @Test
    void aDatagramHoldsOneDelayedAnswerAtMostAndAShortDelayNone() {
        Message[] sixteen = IntStream.range(0, 16).mapToObj(i -> MappingProbe.probe("p" + i, 5_000)).toArray(Message[]::new);
        List<OutgoingDatagram> answers = handler.handleOne(CLIENT, ByteBuffer.wrap(MessageEncoder.plainDatagram(sixteen)));
        assertEquals(1, handler.pendingProbes(), "one per datagram");
        assertEquals(15, messages(answers.get(0)).stream().map(m -> MappingProbe.read(m).orElseThrow())
                .filter(MappingProbe.Observed::refused).count(), "the 15 not held are answered as refused");
        handler.handleOne(new InetSocketAddress("203.0.113.1", 40_002),
                ByteBuffer.wrap(MessageEncoder.plainDatagram(MappingProbe.probe("short", 999))));
        assertEquals(1, handler.pendingProbes(), "a delay under a second is answered at once only");
        assertEquals(16, stats.probesRefused());
        long sentBefore = stats.snapshot().datagramsOut();
        clock.advance(Duration.ofSeconds(5));
        assertEquals(2, due().size());
        assertEquals(sentBefore + 2, stats.snapshot().datagramsOut(), "counted once");
    }

    /**
     * The delayed answers are paid from the reply credit of the network they go to, when it sends unsealed: all a
     * network of forged sources is sent, at once and later, stays within 3 times what came from it plus its burst.
     */
    @Test
    void delayedAnswersArePaidFromTheNetworksReplyCredit() {
        DatagramHandler poor = new DatagramHandler(ServerConfig.defaults().withClock(clock)
                .withLimits(ServerConfig.defaults().limits().withReplyRate(1, 515)), new MemoryValueStore(),
                new ListenerRegistry(300), stats);
        long received = 0;
        long sent = 0;
        for (int host = 1; host <= 200; host++) { // one network (a /24), 200 addresses: no address cap is reached
            byte[] probe = MessageEncoder.plainDatagram(MappingProbe.probe("c" + host, 5_000));
            received += probe.length;
            for (OutgoingDatagram d : poor.handleOne(new InetSocketAddress("203.0.113." + host, 40_000),
                    ByteBuffer.wrap(probe))) {
                sent += d.bytes().length;
            }
        }
        clock.advance(Duration.ofSeconds(5));
        Batch batch = new Batch();
        poor.sendDueProbes(batch);
        for (OutgoingDatagram d : poor.complete(batch)) {
            sent += d.bytes().length;
        }
        assertTrue(sent <= 3 * received + 515, "sent " + sent + " bytes for " + received + " received");
    }

    @Test
    void aProbeWhoseDelayIsNotFourBytesIsIgnored() {
        List<OutgoingDatagram> out = handler.handleOne(CLIENT, ByteBuffer.wrap(MessageEncoder.plainDatagram(
                new Message(org.modstamp.wire.MessageType.PROBE, "k1", new byte[3]), Message.query("a"))));
        assertEquals(List.of(Message.reply("a", null)), messages(out.get(0)));
    }
}
