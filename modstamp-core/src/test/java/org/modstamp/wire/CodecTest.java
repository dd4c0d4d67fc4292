package org.modstamp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<List<Message>> decodePayload(String hex) {
        ByteBuffer datagram = ByteBuffer.wrap(HEX.parseHex(hex));
        DatagramHeader.read(datagram).orElseThrow();
        return MessageDecoder.decode(datagram);
    }

    @Test
    void encodesEveryMessageAsTheReferenceDoes() {
        var ref = WireVectors.referenceEncodings();
        assertEquals(ref.get("Q test (client->server)"), hex(Message.query("test")));
        assertEquals(ref.get("R test=abc (server->rw client)"), hex(Message.reply("test", v("abc"))));
        assertEquals(ref.get("R test=null (server->client)"), hex(Message.reply("test", null)));
        assertEquals(ref.get("C test=abc (client->server)"), hex(Message.change("test", v("abc"))));
        assertEquals(ref.get("C test=\"\" (client->server, delete)"), hex(Message.change("test", new byte[0])));
        assertEquals(ref.get("M test=abc (server->client)"), hex(Message.modified("test", v("abc"))));
        assertEquals(ref.get("S test=abc (server->listener)"), hex(Message.signal("test", v("abc"))));
        assertEquals(ref.get("Q test,foo,bar in one packet"), HEX.formatHex(MessageEncoder.plainDatagram(
                Message.query("test"), Message.query("foo"), Message.query("bar"))));
        assertEquals(ref.get("Q <255 x a>"), hex(Message.query("a".repeat(255))));
        assertThrows(IllegalArgumentException.class, () -> Message.query("a".repeat(256)));
    }

    private static String hex(Message m) {
        return HEX.formatHex(MessageEncoder.plainDatagram(m));
    }

    @Test
    void everyDatagramTheReferenceSentDecodesAndEncodesBackToTheSameBytes() {
        int checked = 0;
        for (WireVectors.Case c : WireVectors.cases()) {
            for (WireVectors.Received r : c.received()) {
                ByteBuffer datagram = ByteBuffer.wrap(r.bytes());
                assertEquals(DatagramHeader.PLAIN, DatagramHeader.read(datagram).orElseThrow(), c.toString());
                List<Message> messages = MessageDecoder.decode(datagram).orElseThrow();
                assertArrayEquals(r.bytes(), MessageEncoder.plainDatagram(messages.toArray(Message[]::new)), c.toString());
                checked++;
            }
        }
        assertTrue(checked > 40, "checked " + checked);
    }

    @Test
    void framingErrorAnywhereRejectsTheWholePayload() {
        assertTrue(decodePayload("0051010574657374").isEmpty(), "id length past the end");
        assertTrue(decodePayload("0051").isEmpty(), "descriptor only");
        assertTrue(decodePayload("005101").isEmpty(), "no argument after the count");
        assertTrue(decodePayload("00510104746573745101").isEmpty(), "valid Q then a truncated one");
        assertTrue(decodePayload("00" + "5101" + "00" + "61".repeat(256)).isEmpty(), "256-byte id written with length 0");
    }

    @Test
    void badMessagesAreSkippedAndTheOthersKept() {
        Message test = Message.query("test");
        assertEquals(List.of(), decodePayload("0058010474657374").orElseThrow(), "unknown descriptor");
        assertEquals(List.of(test), decodePayload("005801047465737451010474657374").orElseThrow());
        assertEquals(List.of(), decodePayload("0071010474657374").orElseThrow(), "lower-case q");
        assertEquals(List.of(), decodePayload("005100").orElseThrow(), "Q with no argument");
        assertEquals(List.of(), decodePayload("00510204746573740161").orElseThrow(), "Q with two");
        assertEquals(List.of(), decodePayload("0043010474657374").orElseThrow(), "C without value");
        assertEquals(List.of(test), decodePayload("00510105746520737451010474657374").orElseThrow(), "id with space");
        assertEquals(List.of(), decodePayload("00510100").orElseThrow(), "empty id");
        assertEquals(List.of(), decodePayload("00").orElseThrow(), "header only");
    }

    @Test
    void valuesAreOpaqueBytesAndEmptyMeansNone() {
        List<Message> m = decodePayload("0043020362696e0300ff0a").orElseThrow();
        assertArrayEquals(new byte[] {0, (byte) 0xff, 0x0a}, m.get(0).value());
        Message deleted = decodePayload("004302047465737400").orElseThrow().get(0);
        assertEquals(Message.change("test", null), deleted);
        assertEquals(null, deleted.valueAsString());
        assertThrows(IllegalArgumentException.class, () -> Message.change("x", new byte[256]));
    }

    @Test
    void headerSelectsSignatureAndProfileId() {
        ByteBuffer b = ByteBuffer.wrap(HEX.parseHex("02705851010474657374"));
        assertEquals(new DatagramHeader("p", "X"), DatagramHeader.read(b).orElseThrow());
        assertEquals(3, b.position());
        assertTrue(DatagramHeader.read(ByteBuffer.allocate(0)).isEmpty(), "empty datagram");
        assertTrue(DatagramHeader.read(ByteBuffer.wrap(HEX.parseHex("0500"))).isEmpty(), "header past the end");
    }

    @Test
    void packerSplitsRepliesAtMaxPacketSizeAsTheReferenceDoes() {
        DatagramPacker packer = new DatagramPacker(DatagramHeader.PLAIN, 1300);
        for (char c = 'b'; c <= 'g'; c++) {
            packer.add(Message.reply(String.valueOf(c).repeat(255), null));
        }
        List<byte[]> datagrams = packer.drain();
        assertEquals(2, datagrams.size());
        assertEquals(1296, datagrams.get(0).length);
        assertEquals(260, datagrams.get(1).length);
        assertTrue(packer.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new DatagramPacker(DatagramHeader.PLAIN, 100));
    }

    @Test
    void idRules() {
        assertTrue(Ids.isValid("a-Z_0.9:x"));
        assertTrue(!Ids.isValid("a b") && !Ids.isValid("") && !Ids.isValid("é") && !Ids.isValid("a/b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ids.require("a/b"));
        assertTrue(e.getMessage().contains("[0-9A-Za-z_.:-]"), e.getMessage());
    }
}
