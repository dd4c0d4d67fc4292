package org.modstamp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.modstamp.security.Aead;
import org.modstamp.security.AeadSender;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageEncoder;

/** The one path from messages to the datagrams of an aead profile and back, as client and server use it. */
class SealedDatagramsTest {
    private static final byte[] KEY = new byte[32];
    private static final SecurityProfile OPS = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
    private static final long NOW = 1_700_000_000_000L;

    private static Optional<Aead.Opened> open(SealedDatagrams side, byte[] datagram) {
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        return DatagramHeader.read(buffer).flatMap(header -> side.open(header, buffer));
    }

    @Test
    void aRequestOpensAtTheServerAndItsResponseOnlyAtTheClientThatSentIt() {
        SealedDatagrams client = SealedDatagrams.forClient(OPS);
        SealedDatagrams other = SealedDatagrams.forClient(OPS);
        SealedDatagrams server = SealedDatagrams.forServer(OPS);
        AeadSender.Sealed request = client.sealRequest(MessageEncoder.plainDatagram(Message.query("a")), NOW);

        Aead.Opened atServer = open(server, request.datagram()).orElseThrow();
        assertEquals(request.counter(), atServer.counter());
        assertEquals(NOW, atServer.timestampMillis());
        assertEquals(List.of(Message.query("a")), MessageDecoder.decode(atServer.payload()).orElseThrow());

        byte[] reply = server.sealResponse(MessageEncoder.plainDatagram(Message.reply("a", "1".getBytes())), NOW,
                0, atServer.counter(), atServer.sender());
        Aead.Opened atClient = open(client, reply).orElseThrow();
        assertEquals(request.counter(), atClient.inReplyTo(), "the response names the request it answers");
        assertEquals(List.of(Message.reply("a", "1".getBytes())), MessageDecoder.decode(atClient.payload()).orElseThrow());
        assertTrue(open(other, reply).isEmpty(), "sealed for another client's sender id");
        assertTrue(open(client, request.datagram()).isEmpty(), "a request does not open as a response");
    }

    @Test
    void packedDatagramsFitTheLimitOnceSealed() {
        int limit = 600;
        DatagramPacker packer = SealedDatagrams.packer(OPS, limit);
        for (int i = 0; i < 20; i++) {
            packer.add(Message.change("id" + i, "v".repeat(200).getBytes()));
        }
        SealedDatagrams client = SealedDatagrams.forClient(OPS);
        List<byte[]> packed = packer.drain();
        assertTrue(packed.size() > 1);
        for (byte[] datagram : packed) {
            assertTrue(client.sealRequest(datagram, NOW).datagram().length <= limit);
        }
        DatagramPacker plain = SealedDatagrams.packer(null, limit);
        plain.add(Message.query("x"));
        assertArrayEquals(MessageEncoder.plainDatagram(Message.query("x")), plain.drain().get(0),
                "without a profile, datagrams go as packed");
    }

    @Test
    void onlyAPlainDatagramIsSealed() {
        SealedDatagrams client = SealedDatagrams.forClient(OPS);
        byte[] withHeader = client.sealRequest(MessageEncoder.plainDatagram(Message.query("a")), NOW).datagram();
        var e = assertThrows(IllegalArgumentException.class, () -> client.sealRequest(withHeader, NOW));
        assertTrue(e.getMessage().contains("not a plain datagram"), e.getMessage());
    }
}
