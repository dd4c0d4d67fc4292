package org.modstamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.modstamp.protocol.SealedDatagrams;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/** The client's socket against a server played on loopback: packing, repeats, source checks, sealing. */
class ClientChannelTest {
    static final SecurityProfile OPS = SecurityProfile.aead("ops", Permission.DEFAULT, new byte[32]);

    private static ClientChannel open(PlayedServer server, ClientConfig config) throws Exception {
        return ClientChannel.open(server.address(), config);
    }

    @Test
    void sendsEachDatagramSendRepeatTimesAndPacksWhatDoesNotFitIntoOne() throws Exception {
        try (PlayedServer server = new PlayedServer(null);
             ClientChannel channel = open(server, ClientConfig.defaults().withSendRepeat(2).withMaxPacketSize(516))) {
            List<Message> changes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                changes.add(Message.change("id" + i, "v".repeat(255).getBytes()));
            }
            assertEquals(List.of(), channel.send(changes), "plain datagrams have no counters");
            List<Message> received = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                received.addAll(server.receive().messages());
            }
            assertEquals(6, received.size(), "3 datagrams of one Change each, each sent twice");
            assertTrue(received.containsAll(changes));
            assertTrue(server.receiveWithin(100).isEmpty(), "nothing more");
        }
    }

    @Test
    void keepsOnlyWhatComesFromTheServersAddressAndPort() throws Exception {
        try (PlayedServer server = new PlayedServer(null);
             ClientChannel channel = open(server, ClientConfig.defaults());
             DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            channel.send(List.of(Message.query("a")));
            PlayedServer.Request query = server.receive();
            byte[] forged = MessageEncoder.plainDatagram(Message.reply("a", "forged".getBytes()));
            stranger.send(new DatagramPacket(forged, forged.length, query.from()));
            server.sendRaw(query.from(), new byte[] {5, 'x'}); // a header longer than the datagram
            server.answer(query, Message.reply("a", "1".getBytes()));

            ClientChannel.Received received = PlayedServer.next(channel);
            assertEquals(List.of(Message.reply("a", "1".getBytes())), received.messages(),
                    "the stranger's Reply and the malformed datagram were skipped");
            assertEquals(ClientChannel.UNBOUND, received.inReplyTo(), "a plain datagram names no request");
            assertTrue(channel.receive().isEmpty());
        }
    }

    @Test
    void sealedAnswersMustNameARecentRequestAndAnMOrRWithoutOneIsDropped() throws Exception {
        try (PlayedServer server = new PlayedServer(OPS);
             ClientChannel channel = open(server, ClientConfig.defaults().withProfile(OPS))) {
            List<Long> counters = channel.send(List.of(Message.query("a")));
            assertEquals(1, counters.size());
            PlayedServer.Request query = server.receive();
            assertEquals(counters.get(0), query.counter());

            server.send(query, query.counter() + 1_000, Message.reply("a", "forged".getBytes())); // names no request
            server.send(query, 0, Message.reply("a", "unbound".getBytes()), Message.signal("a", "2".getBytes()));
            ClientChannel.Received signal = PlayedServer.next(channel);
            assertEquals(List.of(Message.signal("a", "2".getBytes())), signal.messages(), "an R needs a request");
            assertEquals(0, signal.inReplyTo());
            assertEquals(2, channel.droppedDatagrams(), "the R naming no request, the R answering none");

            byte[] reply = server.answer(query, Message.reply("a", "1".getBytes()));
            ClientChannel.Received answer = PlayedServer.next(channel);
            assertEquals(List.of(Message.reply("a", "1".getBytes())), answer.messages());
            assertEquals(query.counter(), answer.inReplyTo());

            server.sendRaw(query.from(), reply); // replayed
            server.answer(query, Message.reply("a", "after".getBytes()));
            assertEquals(List.of(Message.reply("a", "after".getBytes())), PlayedServer.next(channel).messages());
            assertEquals(3, channel.droppedDatagrams(), "the replay too");
        }
    }

    @Test
    void aSealedChannelIgnoresPlainDatagramsAndAPlainOneSealedOnes() throws Exception {
        try (PlayedServer server = new PlayedServer(OPS);
             ClientChannel sealed = open(server, ClientConfig.defaults().withProfile(OPS))) {
            sealed.send(List.of(Message.query("a")));
            PlayedServer.Request query = server.receive();
            server.sendRaw(query.from(), MessageEncoder.plainDatagram(Message.reply("a", "plain".getBytes())));
            server.answer(query, Message.reply("a", "sealed".getBytes()));
            assertEquals(List.of(Message.reply("a", "sealed".getBytes())), PlayedServer.next(sealed).messages());
        }
        try (PlayedServer server = new PlayedServer(null);
             ClientChannel plain = open(server, ClientConfig.defaults())) {
            plain.send(List.of(Message.query("a")));
            PlayedServer.Request query = server.receive();
            byte[] packed = MessageEncoder.plainDatagram(Message.reply("a", "sealed".getBytes()));
            server.sendRaw(query.from(), SealedDatagrams.forServer(OPS).sealResponse(packed,
                    System.currentTimeMillis(), 0, 1, new byte[16]));
            server.answer(query, Message.reply("a", "plain".getBytes()));
            assertEquals(List.of(Message.reply("a", "plain".getBytes())), PlayedServer.next(plain).messages());
        }
    }
}
