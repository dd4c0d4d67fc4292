package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.util.HexFormat;

/**
 * A datagram to send. The bytes are never modified after creation; a fan-out shares one array
 * between all its datagrams, which lets the transport send them from one buffer. A confirmation holds
 * Modifieds only: the protocol orders it against nothing (a client reads an M as the answer to its C, never as a
 * value to keep), so the transport may send it ahead of datagrams queued before it.
 */
public record OutgoingDatagram(InetSocketAddress recipient, byte[] bytes, boolean confirmation) {
    /** A datagram that keeps its place among the others of its socket. */
    public OutgoingDatagram(InetSocketAddress recipient, byte[] bytes) {
        this(recipient, bytes, false);
    }

    @Override
    public String toString() {
        return recipient + " <- " + HexFormat.of().formatHex(bytes) + (confirmation ? " (confirmation)" : "");
    }
}
