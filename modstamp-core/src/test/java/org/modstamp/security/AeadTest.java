package org.modstamp.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.modstamp.security.SecurityProfileLoader.Format;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/** The encrypted profile's byte layout (version 2), against the test vectors published in docs/aead-profile.md. */
class AeadTest {
    static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final byte[] KEY2 = HexFormat.of().parseHex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
    static final byte[] CLIENT = HexFormat.of().parseHex("101112131415161718191a1b1c1d1e1f");
    static final byte[] SERVER = HexFormat.of().parseHex("b0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    static final long TIMESTAMP = 1_764_000_000_000L;

    /** The datagrams of the test vectors in docs/aead-profile.md (computed there independently of this code). */
    static final String REQUEST = "04616f7073" + "02" + "00" + "101112131415161718191a1b1c1d1e1f"
            + "0000000000000001" + "0000000000000000"
            + "b3b384daae06ad7f56f685a9869b3fe3c9cbea10696ad50a2583febb91f832";
    static final String RESPONSE = "04616f7073" + "02" + "01" + "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
            + "0000000000000007" + "0000000000000001"
            + "89254465c7593fd2228a837019415eeeb8ed20158bfec379192354ba2afd545ad6";

    @Test
    void sealsTheDocumentedTestVectorsAndOpensThem() {
        SecurityProfile ops = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
        assertEquals("57f89573f70c486137f7b9707402f3a9ad5f3e30419189ff6c28e2e8a4d59af6", HexFormat.of().formatHex(
                Aead.deriveKey(KEY, Aead.Direction.REQUEST, CLIENT).getEncoded()), "the client's derived key");
        byte[] query = messages(Message.query("test"));
        assertEquals("51010474657374", HexFormat.of().formatHex(query));
        AeadSender client = new AeadSender(ops, Aead.Direction.REQUEST, CLIENT, 0, Long.MAX_VALUE);
        AeadSender.Sealed request = client.seal(query, TIMESTAMP);
        assertEquals(1, request.counter());
        assertEquals(REQUEST, HexFormat.of().formatHex(request.datagram()), "docs/aead-profile.md");
        Aead.Opened opened = open(AeadOpener.requests(ops), request.datagram());
        assertArrayEquals(CLIENT, opened.sender());
        assertEquals(1, opened.counter());
        assertEquals(TIMESTAMP, opened.timestampMillis());
        assertArrayEquals(query, remaining(opened.payload()));

        byte[] reply = messages(Message.reply("test", "1".getBytes()));
        assertEquals("520204746573740131", HexFormat.of().formatHex(reply));
        assertEquals("e289aa56adc7bde973e67c742ffec3e1fa37ce50fd929498e30f4daa2bfe9a52", HexFormat.of().formatHex(
                Aead.deriveKey(KEY, Aead.Direction.RESPONSE, SERVER).getEncoded()), "the server's derived key");
        AeadSender server = new AeadSender(ops, Aead.Direction.RESPONSE, SERVER, 6, Long.MAX_VALUE);
        byte[] response = server.seal(0, reply, TIMESTAMP + 250, 1, CLIENT).datagram();
        assertEquals(RESPONSE, HexFormat.of().formatHex(response), "docs/aead-profile.md");
        opened = open(AeadOpener.responsesFor(ops, CLIENT), response);
        assertEquals(Aead.Direction.RESPONSE, opened.direction());
        assertEquals(7, opened.counter());
        assertEquals(1, opened.inReplyTo(), "bound to the request");
        assertArrayEquals(reply, remaining(opened.payload()));
    }

    @Test
    void aResponseOpensOnlyForItsRecipientAndARequestNeverOpensAsAResponse() {
        SecurityProfile ops = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
        byte[] response = HexFormat.of().parseHex(RESPONSE);
        byte[] someoneElse = CLIENT.clone();
        someoneElse[0] ^= 1;
        assertTrue(tryOpen(AeadOpener.responsesFor(ops, someoneElse), response).isEmpty(), "sealed for another client");
        assertTrue(tryOpen(AeadOpener.requests(ops), response).isEmpty(), "a response is not a request");
        byte[] request = HexFormat.of().parseHex(REQUEST);
        assertTrue(tryOpen(AeadOpener.responsesFor(ops, CLIENT), request).isEmpty(), "a request is not a response");
        byte[] asResponse = request.clone();
        asResponse[6] = 1; // the direction byte turned: the key and the AAD differ
        assertTrue(tryOpen(AeadOpener.responsesFor(ops, CLIENT), asResponse).isEmpty());
    }

    @Test
    void countersAreTheNoncesAndSealsAreCountedPerKeyUntilRotationIsDue() {
        SecurityProfile rotating = SecurityProfile.aead("ops", Permission.DEFAULT, KEY, KEY2);
        AeadSender sender = new AeadSender(rotating, Aead.Direction.RESPONSE, SERVER, 0, 3);
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, sender.seal(0, new byte[0], TIMESTAMP, 0, CLIENT).counter(), "one counter per datagram");
        }
        sender.seal(1, new byte[0], TIMESTAMP, 0, CLIENT);
        assertEquals(3, sender.seals(0));
        assertEquals(1, sender.seals(1));
        assertTrue(sender.rotationDue(0), "three seals with key 1 reach this sender's rotation threshold");
        assertTrue(!sender.rotationDue(1));
    }

    @Test
    void everyBitMattersAndOtherKeysFail() {
        SecurityProfile ops = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
        byte[] datagram = new AeadSender(ops, Aead.Direction.REQUEST).seal(messages(Message.query("test")), TIMESTAMP)
                .datagram();
        AeadOpener opener = AeadOpener.requests(ops);
        for (int bit = 0; bit < datagram.length * 8; bit++) {
            byte[] flipped = datagram.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertTrue(tryOpen(opener, flipped).isEmpty(), "bit " + bit);
        }
        byte[] other = KEY.clone();
        other[5] ^= 1;
        assertTrue(tryOpen(AeadOpener.requests(SecurityProfile.aead("ops", Permission.DEFAULT, other)), datagram).isEmpty());
        assertTrue(tryOpen(opener, datagram).isPresent());
    }

    @Test
    void aVersionOneEntryIsRefusedWithWhatToChange() {
        String key = java.util.Base64.getEncoder().encodeToString(KEY);
        var e = assertThrows(InvalidProfileException.class, () -> SecurityProfileLoader.parse(
                "- encryption: aead\n  id: ops\n  version: 1\n  keys: [" + key + "]\n", Format.YAML));
        assertTrue(e.getMessage().contains("version 1 is no longer spoken") && e.getMessage().contains("version: 2")
                && e.getMessage().contains("upgrade every peer"), e.getMessage());
        assertEquals(1, SecurityProfileLoader.parse("- encryption: aead\n  id: ops\n  version: 2\n  keys: [" + key
                + "]\n", Format.YAML).entries().size());
        e = assertThrows(InvalidProfileException.class, () -> SecurityProfileLoader.parse(
                "- encryption: plain\n  version: 2\n", Format.YAML));
        assertTrue(e.getMessage().contains("only an aead entry has a version"), e.getMessage());
    }

    @Test
    void aMaxPacketSizeWithoutRoomForTheOverheadIsRefusedWhenTheConfigurationIsMade() {
        SecurityProfile ops = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
        int min = org.modstamp.wire.DatagramPacker.MAX_MESSAGE_LENGTH + Aead.overhead(ops);
        assertEquals(63, Aead.overhead(ops), "5 of header, 34 in clear, 8 of timestamp, 16 of tag");
        var config = org.modstamp.client.ClientConfig.defaults().withMaxPacketSize(min - 1);
        var e = assertThrows(IllegalArgumentException.class, () -> config.withProfile(ops));
        assertTrue(e.getMessage().contains("at least " + min) && e.getMessage().contains("'ops'"), e.getMessage());
        assertEquals(min, org.modstamp.client.ClientConfig.defaults().withMaxPacketSize(min).withProfile(ops)
                .maxPacketSize());
    }

    private static Aead.Opened open(AeadOpener opener, byte[] datagram) {
        return tryOpen(opener, datagram).orElseThrow();
    }

    private static java.util.Optional<Aead.Opened> tryOpen(AeadOpener opener, byte[] datagram) {
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        var header = DatagramHeader.read(buffer);
        if (header.isEmpty() || !header.get().equals(new DatagramHeader("a", "ops"))) {
            return java.util.Optional.empty();
        }
        return opener.open(header.get(), buffer);
    }

    private static byte[] remaining(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Test
    void profileFilesCarryBase64KeysAndErrorsNeverShowThem() {
        String key = java.util.Base64.getEncoder().encodeToString(KEY);
        SecurityProfiles profiles = SecurityProfileLoader.parse("- encryption: aead\n  id: ops\n  keys: [" + key + "]\n",
                Format.YAML);
        assertEquals(Permission.READ_WRITE, profiles.entries().get(0).effectivePermission(), "rw by default");
        var e = assertThrows(InvalidProfileException.class, () -> SecurityProfileLoader.parse(
                "- encryption: aead\n  keys: [" + key + "]\n", Format.YAML));
        assertTrue(e.getMessage().contains("entry 1") && e.getMessage().contains("needs an id"), e.getMessage());
        e = assertThrows(InvalidProfileException.class, () -> SecurityProfileLoader.parse(
                "- encryption: aead\n  id: ops\n  keys: [c2hvcnQ=]\n", Format.YAML));
        assertTrue(e.getMessage().contains("32 bytes") && !e.getMessage().contains("c2hvcnQ"), e.getMessage());
        e = assertThrows(InvalidProfileException.class, () -> SecurityProfileLoader.parse(
                "- encryption: aead\n  id: ops\n  keys: ['not base64!']\n", Format.YAML));
        assertTrue(e.getMessage().contains("field 'keys', item 1: not base64"), e.getMessage());
    }

    private static byte[] messages(Message... messages) {
        byte[] datagram = MessageEncoder.plainDatagram(messages);
        return Arrays.copyOfRange(datagram, 1, datagram.length);
    }
}
