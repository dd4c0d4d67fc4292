package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modstamp.security.Aead;
import org.modstamp.security.AeadOpener;
import org.modstamp.security.AeadSender;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageEncoder;

/**
 * The client of an aead profile drops what an on-path attacker replays (M, R, S) and what does not answer the
 * request it is matched with, and counts it. The server is played by the test on a loopback socket, so that it
 * can capture and replay its own datagrams.
 */
class ClientReplayTest {
    private static final byte[] KEY = new byte[32];
    private static final SecurityProfile OPS = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);

    static {
        KEY[3] = 1;
    }

    private DatagramSocket serverSocket;
    private final AeadSender server = new AeadSender(OPS, Aead.Direction.RESPONSE);
    private final AeadOpener requests = AeadOpener.requests(OPS);
    private ModstampClient client;

    /** A request the played server received: who sent it, from where, and what it asked. */
    private record Request(InetSocketAddress from, byte[] sender, long counter, List<Message> messages) {
    }

    @BeforeEach
    void start() throws Exception {
        serverSocket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        serverSocket.setSoTimeout(5_000);
        client = ModstampClient.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverSocket.getLocalPort()),
                ClientConfig.defaults().withProfile(OPS).withRequestTimeout(Duration.ofMillis(1_500)));
    }

    @AfterEach
    void stop() {
        client.close();
        serverSocket.close();
    }

    private Request receive() throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        serverSocket.receive(packet);
        ByteBuffer buffer = ByteBuffer.wrap(packet.getData(), 0, packet.getLength());
        DatagramHeader header = DatagramHeader.read(buffer).orElseThrow();
        Aead.Opened opened = requests.open(header, buffer).orElseThrow();
        return new Request((InetSocketAddress) packet.getSocketAddress(), opened.sender(), opened.counter(),
                MessageDecoder.decode(opened.payload()).orElseThrow());
    }

    /** Seals {@code message} for the client that sent {@code request}, answering request {@code inReplyTo}. */
    private byte[] respond(Request request, long inReplyTo, Message message) throws Exception {
        byte[] plain = MessageEncoder.plainDatagram(message);
        byte[] datagram = server.seal(0, Arrays.copyOfRange(plain, 1, plain.length), System.currentTimeMillis(),
                inReplyTo, request.sender()).datagram();
        send(request, datagram);
        return datagram;
    }

    private void send(Request request, byte[] datagram) throws Exception {
        serverSocket.send(new DatagramPacket(datagram, datagram.length, request.from()));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll the condition, not a fixed wait
        }
    }

    @Test
    void aReplayedSignalCannotRollAListenerBack() throws Exception {
        BlockingQueue<String> changes = new LinkedBlockingQueue<>();
        client.listen(Map.of("x", "1"), (id, value) -> changes.add(id + "=" + value));
        Request query = receive();
        respond(query, query.counter(), Message.reply("x", "1".getBytes()));
        byte[] signal2 = respond(query, 0, Message.signal("x", "2".getBytes()));
        assertEquals("x=2", changes.poll(5, TimeUnit.SECONDS));
        respond(query, 0, Message.signal("x", "3".getBytes()));
        assertEquals("x=3", changes.poll(5, TimeUnit.SECONDS));

        send(query, signal2); // the captured Signal of 2, replayed
        await(() -> client.droppedDatagrams() == 1, "the replay is dropped and counted");
        respond(query, 0, Message.signal("x", "4".getBytes()));
        assertEquals("x=4", changes.poll(5, TimeUnit.SECONDS), "no x=2 before it: the replay changed nothing");
    }

    @Test
    void aReplayedOrUnrelatedModifiedNeverConfirmsAPush() throws Exception {
        var first = client.pushAsync(Map.of("v", "1"));
        Request change = receive();
        byte[] modified = respond(change, change.counter(), Message.modified("v", "1".getBytes()));
        assertEquals(Map.of("v", "1"), first.get(5, TimeUnit.SECONDS));

        // the same value pushed again (someone else changed it meanwhile); the server never answers
        var second = client.pushAsync(Map.of("v", "1"));
        Request again = receive();
        send(again, modified); // the M of the first push, replayed
        await(() -> client.droppedDatagrams() == 1, "the replayed M is dropped and counted");
        respond(again, change.counter(), Message.modified("v", "1".getBytes())); // a fresh M, for the first push
        assertEquals(Map.of(), second.get(5, TimeUnit.SECONDS), "no M answered the second push");
    }

    @Test
    void aReplayedReplyAndOneAnsweringNoRecentRequestAreDropped() throws Exception {
        var first = client.getAsync(List.of("g"));
        Request query = receive();
        byte[] reply = respond(query, query.counter(), Message.reply("g", "old".getBytes()));
        assertEquals(Map.of("g", "old"), first.get(5, TimeUnit.SECONDS));

        var second = client.getAsync(List.of("g"));
        Request again = receive();
        send(again, reply);
        await(() -> client.droppedDatagrams() == 1, "the replayed R is dropped and counted");
        respond(again, again.counter() + 1_000, Message.reply("g", "forged".getBytes())); // names no request
        await(() -> client.droppedDatagrams() == 2, "an R naming no request of the client is dropped");
        respond(again, again.counter(), Message.reply("g", "new".getBytes()));
        assertEquals(Map.of("g", "new"), second.get(5, TimeUnit.SECONDS));
    }
}
