package org.modstamp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The mapping-probe extension's messages, byte for byte as docs/protocol.md gives them. */
class MappingProbeTest {
    private static final HexFormat HEX = HexFormat.of();

    private static List<Message> decode(String hex) {
        ByteBuffer datagram = ByteBuffer.wrap(HEX.parseHex(hex));
        DatagramHeader.read(datagram).orElseThrow();
        return MessageDecoder.decode(datagram).orElseThrow();
    }

    @Test
    void theDocumentedVectors() {
        assertEquals("005002026b310400000000", HEX.formatHex(MessageEncoder.plainDatagram(MappingProbe.probe("k1", 0))));
        assertEquals("005002026b310400003a98", HEX.formatHex(MessageEncoder.plainDatagram(MappingProbe.probe("k1", 15_000))));
        Message observed = MappingProbe.observed("k1", new InetSocketAddress("203.0.113.1", 40_000), 300, false);
        assertEquals("004f02026b3109cb0071019c40012c00", HEX.formatHex(MessageEncoder.plainDatagram(observed)));
        Message refused = MappingProbe.observed("k1", new InetSocketAddress("203.0.113.1", 40_000), 300, true);
        assertEquals("004f02026b3109cb0071019c40012c01", HEX.formatHex(MessageEncoder.plainDatagram(refused)));
        Message observed6 = MappingProbe.observed("k1", new InetSocketAddress("2001:db8::1", 1415), 300, false);
        assertEquals("004f02026b311520010db8000000000000000000000001" + "0587012c00",
                HEX.formatHex(MessageEncoder.plainDatagram(observed6)));
        InetSocketAddress seen = new InetSocketAddress("203.0.113.1", 40_000);
        assertEquals(new MappingProbe.Observed("k1", seen, 300, false),
                MappingProbe.read(decode("004f02026b3109cb0071019c40012c00").get(0)).orElseThrow());
        assertEquals(new MappingProbe.Observed("k1", seen, 300, true),
                MappingProbe.read(decode("004f02026b3109cb0071019c40012c01").get(0)).orElseThrow());
        assertEquals(new MappingProbe.Observed("k1", seen, 300, false),
                MappingProbe.read(decode("004f02026b3108cb0071019c40012c").get(0)).orElseThrow(),
                "an OBSERVED without the flags byte (a server of before) reads as not refused");
        assertEquals(15_000L, MappingProbe.delayMillis(decode("005002026b310400003a98").get(0)).orElseThrow());
        assertEquals(0xFFFF_FFFFL, MappingProbe.delayMillis(MappingProbe.probe("k1", 0xFFFF_FFFFL)).orElseThrow());
    }

    @Test
    void aValueOfAnotherLengthSaysNothingAndAQueryNextToItStands() {
        List<Message> messages = decode("005002026b3103000001" + "5101016b");
        assertEquals(2, messages.size(), "a PROBE with a 3-byte delay decodes, and the Query after it too");
        assertTrue(MappingProbe.delayMillis(messages.get(0)).isEmpty());
        assertTrue(MappingProbe.read(decode("004f02026b3107cb0071019c4001").get(0)).isEmpty());
        assertTrue(MappingProbe.read(Message.signal("k1", new byte[8])).isEmpty(), "only an OBSERVED is read");
        assertThrows(IllegalArgumentException.class, () -> MappingProbe.probe("k1", -1));
    }
}
