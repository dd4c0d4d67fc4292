package org.modstamp.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Writes messages in the wire format: {@code desc:u8 argc:u8 (len:u8 bytes:len){argc}}. */
public final class MessageEncoder {
    private MessageEncoder() {
    }

    public static void write(Message message, ByteBuffer out) {
        MessageType type = message.type();
        out.put(type.descriptor());
        out.put((byte) type.argc());
        String id = message.id();
        out.put((byte) id.length());
        out.put(id.getBytes(StandardCharsets.ISO_8859_1));
        if (type.hasValue()) {
            byte[] value = message.valueArray();
            out.put((byte) value.length);
            out.put(value);
        }
        if (type.argc() > 2) {
            byte[] extra = message.extraArray();
            out.put((byte) extra.length);
            out.put(extra);
        }
    }

    /** One plain datagram ({@code hlen = 0}) holding the given messages, whatever their total size. */
    public static byte[] plainDatagram(Message... messages) {
        int size = 1;
        for (Message m : messages) {
            size += m.encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        DatagramHeader.PLAIN.write(out);
        for (Message m : messages) {
            write(m, out);
        }
        return out.array();
    }
}
