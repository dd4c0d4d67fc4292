package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import org.modstamp.protocol.SealedDatagrams;
import org.modstamp.security.Aead;
import org.modstamp.security.SecurityProfile;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;

/**
 * A server played by a test on a loopback socket (port 0): it reads what a client sends and answers with
 * datagrams built by core's codec, plain, or sealed with an aead profile's server side.
 */
final class PlayedServer implements AutoCloseable {
    /** A datagram the played server received: from where, the request's counter and sender (sealed), its messages. */
    record Request(InetSocketAddress from, long counter, byte[] sender, List<Message> messages) {
    }

    private final DatagramSocket socket;
    private final SealedDatagrams sealing;

    /** A plain server ({@code profile} null) or one of an aead profile. */
    PlayedServer(SecurityProfile profile) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5_000);
        sealing = profile == null ? null : SealedDatagrams.forServer(profile);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The next datagram from a client (within 5 s). */
    Request receive() throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(packet);
        ByteBuffer buffer = ByteBuffer.wrap(packet.getData(), 0, packet.getLength());
        DatagramHeader header = DatagramHeader.read(buffer).orElseThrow();
        InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
        if (sealing == null) {
            return new Request(from, 0, null, MessageDecoder.decode(buffer).orElseThrow());
        }
        Aead.Opened opened = sealing.open(header, buffer).orElseThrow();
        return new Request(from, opened.counter(), opened.sender(), MessageDecoder.decode(opened.payload()).orElseThrow());
    }

    /** The next datagram within {@code millis}, or empty. */
    Optional<Request> receiveWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return Optional.of(receive());
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } finally {
            socket.setSoTimeout(5_000);
        }
    }

    /** Answers {@code request} with {@code messages} in one datagram, naming it in inReplyTo when sealed. */
    byte[] answer(Request request, Message... messages) throws IOException {
        return send(request, request.counter(), messages);
    }

    /** Sends {@code messages} in one datagram to the client of {@code request}, naming {@code inReplyTo} when sealed. */
    byte[] send(Request request, long inReplyTo, Message... messages) throws IOException {
        DatagramPacker packer = SealedDatagrams.packer(sealing == null ? null : sealing.profile(), 1300);
        List.of(messages).forEach(packer::add);
        byte[] datagram = packer.drain().get(0);
        if (sealing != null) {
            datagram = sealing.sealResponse(datagram, System.currentTimeMillis(), 0, inReplyTo, request.sender());
        }
        sendRaw(request.from(), datagram);
        return datagram;
    }

    void sendRaw(InetSocketAddress to, byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, to));
    }

    /** The next datagram {@code channel} keeps, waiting at most 5 s. */
    static ClientChannel.Received next(ClientChannel channel) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            Optional<ClientChannel.Received> received = channel.receive();
            if (received.isPresent()) {
                return received.get();
            }
            assertTrue(System.nanoTime() < deadline, "nothing from the played server within 5 s");
            channel.await(50);
        }
    }

    /** Sends {@code request}'s first datagrams, as the client loop does when it starts it; returns it. */
    static <R extends ResentRequest> R started(R request, ClientChannel channel) {
        channel.transmit(request.packFirst());
        return request;
    }

    /** Passes what {@code channel} receives next to {@code exchange}, as the client loop does. */
    static void deliverNext(ClientChannel channel, Exchange exchange) throws IOException {
        ClientChannel.Received received = next(channel);
        received.messages().forEach(m -> exchange.received(m, received.inReplyTo()));
    }

    @Override
    public void close() {
        socket.close();
    }
}
