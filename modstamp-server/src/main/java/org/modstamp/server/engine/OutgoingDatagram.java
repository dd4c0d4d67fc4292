package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.util.HexFormat;

/**
 * A datagram to send. The bytes are never modified after creation; a fan-out shares one array
 * between all its datagrams, which lets the transport send them from one buffer.
 */
public record OutgoingDatagram(InetSocketAddress recipient, byte[] bytes) {
    @Override
    public String toString() {
        return recipient + " <- " + HexFormat.of().formatHex(bytes);
    }
}
