package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;

/** What a handler sends, decoded (plain datagrams): the handler tests read it. */
final class Outgoing {
    private Outgoing() {
    }

    /** The messages of a plain datagram. */
    static List<Message> messages(OutgoingDatagram d) {
        ByteBuffer b = ByteBuffer.wrap(d.bytes());
        DatagramHeader.read(b).orElseThrow();
        return MessageDecoder.decode(b).orElseThrow();
    }

    /** The messages of the datagrams of {@code out} to {@code recipient}, in order. */
    static List<Message> to(InetSocketAddress recipient, List<OutgoingDatagram> out) {
        return out.stream().filter(d -> d.recipient().equals(recipient)).flatMap(d -> messages(d).stream()).toList();
    }
}
