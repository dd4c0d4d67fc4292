package org.modstamp.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The header of a datagram: {@code hlen:u8 info:hlen}. The first byte of info is the signature of
 * the security profile type, the rest is the profile id. Both are empty when {@code hlen = 0}.
 */
public record DatagramHeader(String signature, String profileId) {
    /** The header of every plain datagram this project sends: {@code hlen = 0}. */
    public static final DatagramHeader PLAIN = new DatagramHeader("", "");

    public DatagramHeader {
        if (signature.length() > 1) {
            throw new IllegalArgumentException("a signature is one character, not '" + signature + "'");
        }
        if (signature.isEmpty() && !profileId.isEmpty()) {
            throw new IllegalArgumentException("a profile id needs a signature before it");
        }
        if (signature.length() + profileId.length() > 255) {
            throw new IllegalArgumentException("header info is at most 255 bytes");
        }
    }

    /**
     * Reads the header at the buffer's position and leaves the position at the payload.
     * Empty when the datagram is empty or the header runs past its end.
     */
    public static Optional<DatagramHeader> read(ByteBuffer datagram) {
        if (!datagram.hasRemaining()) {
            return Optional.empty();
        }
        int hlen = datagram.get(datagram.position()) & 0xFF;
        if (datagram.remaining() < 1 + hlen) {
            return Optional.empty();
        }
        datagram.get();
        if (hlen == 0) {
            return Optional.of(PLAIN);
        }
        byte[] info = new byte[hlen];
        datagram.get(info);
        String text = new String(info, StandardCharsets.ISO_8859_1);
        return Optional.of(new DatagramHeader(text.substring(0, 1), text.substring(1)));
    }

    /** Bytes this header takes on the wire. */
    public int encodedLength() {
        return 1 + signature.length() + profileId.length();
    }

    public void write(ByteBuffer out) {
        out.put((byte) (signature.length() + profileId.length()));
        out.put((signature + profileId).getBytes(StandardCharsets.ISO_8859_1));
    }
}
