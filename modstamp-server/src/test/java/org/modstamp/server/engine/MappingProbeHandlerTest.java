package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

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

    @Test
    void aProbeIsAnsweredWithTheAddressSeenAtOnceAndTwiceAfterItsDelay() {
        List<OutgoingDatagram> out = handler.handleOne(CLIENT, ByteBuffer.wrap(MessageEncoder.plainDatagram(
                Message.query("orders"), MappingProbe.probe("k1", 15_000))));
        Message observed = MappingProbe.observed("k1", CLIENT, 300);
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
        handler.handleOne(CLIENT, ByteBuffer.wrap(MessageEncoder.plainDatagram(MappingProbe.probe("long", 300_001))));
        for (int i = 0; i < DelayedProbes.PER_ADDRESS + 3; i++) {
            List<OutgoingDatagram> out = handler.handleOne(new InetSocketAddress("203.0.113.1", 40_001 + i),
                    ByteBuffer.wrap(MessageEncoder.plainDatagram(MappingProbe.probe("t" + i, 1_000))));
            assertEquals(1, out.size(), "answered at once, whatever was held");
        }
        assertEquals(DelayedProbes.PER_ADDRESS, handler.pendingProbes());
        assertEquals(4, stats.probesRefused());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2 * DelayedProbes.PER_ADDRESS, due().size());
        assertEquals(0, handler.pendingProbes(), "the address may hold as many again");
    }

    @Test
    void aProbeWhoseDelayIsNotFourBytesIsIgnored() {
        List<OutgoingDatagram> out = handler.handleOne(CLIENT, ByteBuffer.wrap(MessageEncoder.plainDatagram(
                new Message(org.modstamp.wire.MessageType.PROBE, "k1", new byte[3]), Message.query("a"))));
        assertEquals(List.of(Message.reply("a", null)), messages(out.get(0)));
    }
}
