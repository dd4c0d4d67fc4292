package org.modstamp.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs messages, in order, into as few datagrams of at most {@code maxPacketSize} bytes (header
 * included) as they fit in; a message never spans two datagrams.
 */
public final class DatagramPacker {
    /** The largest message: descriptor, argc, a 255-byte id and a 255-byte value with their lengths. */
    public static final int MAX_MESSAGE_LENGTH = 2 + 1 + Ids.MAX_LENGTH + 1 + Message.MAX_VALUE_LENGTH;
    public static final int DEFAULT_MAX_PACKET_SIZE = 1300;
    public static final int MAX_UDP_PAYLOAD = 65_507;

    private final DatagramHeader header;
    private final int maxPacketSize;
    private final List<List<Message>> datagrams = new ArrayList<>(1);
    private final List<Message> current = new ArrayList<>();
    private int currentSize;
    private Message leader;

    public DatagramPacker(DatagramHeader header, int maxPacketSize) {
        checkMaxPacketSize(header, maxPacketSize);
        this.header = header;
        this.maxPacketSize = maxPacketSize;
    }

    /** Throws {@link IllegalArgumentException} unless every message fits into one datagram of this size. */
    public static void checkMaxPacketSize(DatagramHeader header, int maxPacketSize) {
        int min = header.encodedLength() + MAX_MESSAGE_LENGTH;
        if (maxPacketSize < min || maxPacketSize > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("maxPacketSize " + maxPacketSize + " is out of range: it must be "
                    + min + ".." + MAX_UDP_PAYLOAD + " so that the largest message fits in one datagram");
        }
    }

    /** Every datagram begun from now on starts with {@code message} (the summary keep-alive's JOIN); null: none. */
    public DatagramPacker leading(Message message) {
        this.leader = message;
        return this;
    }

    public DatagramPacker add(Message message) {
        int length = message.encodedLength();
        if (!current.isEmpty() && currentSize + length > maxPacketSize) {
            flush();
        }
        if (current.isEmpty()) {
            currentSize = header.encodedLength();
            if (leader != null) {
                current.add(leader);
                currentSize += leader.encodedLength();
            }
        }
        current.add(message);
        currentSize += length;
        return this;
    }

    public boolean isEmpty() {
        return current.isEmpty() && datagrams.isEmpty();
    }

    /** The datagrams packed so far, in order; the packer is empty afterwards. */
    public List<byte[]> drain() {
        return drainMessages().stream().map(this::encode).toList();
    }

    /** The messages of each datagram packed so far, in order, not encoded yet; the packer is empty afterwards. */
    public List<List<Message>> drainMessages() {
        flush();
        List<List<Message>> result = List.copyOf(datagrams);
        datagrams.clear();
        return result;
    }

    /** One datagram of these messages (which {@link #drainMessages} put together, or fewer of them). */
    public byte[] encode(List<Message> messages) {
        int size = header.encodedLength();
        for (Message m : messages) {
            size += m.encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        header.write(out);
        for (Message m : messages) {
            MessageEncoder.write(m, out);
        }
        return out.array();
    }

    /** Ends the current datagram. */
    private void flush() {
        if (current.isEmpty()) {
            return;
        }
        datagrams.add(List.copyOf(current));
        current.clear();
    }
}
