package org.modstamp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

/** Test vectors as hex: a message as a plain datagram, and back. */
final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {
    }

    /** {@code m} alone in a plain datagram, in lowercase hex. */
    static String hex(Message m) {
        return HEX.formatHex(MessageEncoder.plainDatagram(m));
    }

    /** The one message of the plain datagram {@code hex}. */
    static Message decode(String hex) {
        ByteBuffer datagram = ByteBuffer.wrap(HEX.parseHex(hex));
        DatagramHeader.read(datagram).orElseThrow();
        List<Message> messages = MessageDecoder.decode(datagram).orElseThrow();
        assertEquals(1, messages.size());
        return messages.get(0);
    }
}
