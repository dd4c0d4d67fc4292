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

/** The encrypted profile's byte layout, against the test vector published in docs/aead-profile.md. */
class AeadTest {
    static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final byte[] NONCE = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
    static final long TIMESTAMP = 1_764_000_000_000L;

    @Test
    void sealsTheDocumentedTestVectorAndOpensIt() {
        SecurityProfile ops = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
        byte[] messages = messages(Message.query("test"));
        byte[] datagram = Aead.seal(ops, 0, messages, TIMESTAMP, NONCE);
        String hex = HexFormat.of().formatHex(datagram);
        assertEquals(DOCUMENTED, hex, "docs/aead-profile.md");
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        DatagramHeader header = DatagramHeader.read(buffer).orElseThrow();
        assertEquals(new DatagramHeader("a", "ops"), header);
        Aead.Opened opened = Aead.open(ops, header, buffer).orElseThrow();
        assertEquals(TIMESTAMP, opened.timestampMillis());
        assertArrayEquals(messages, Arrays.copyOfRange(opened.payload().array(), opened.payload().arrayOffset(),
                opened.payload().arrayOffset() + opened.payload().remaining()));
    }

    /** The datagram of the test vector (written into docs/aead-profile.md). */
    static final String DOCUMENTED = "04" + "616f7073" + "a0a1a2a3a4a5a6a7a8a9aaab"
            + "0cab79c5fb712aadf10ef760998989151cce28e6d3d35cb57a8c4ab4688847";

    @Test
    void everyBitMattersAndOtherKeysFail() {
        SecurityProfile ops = SecurityProfile.aead("ops", Permission.DEFAULT, KEY);
        byte[] datagram = Aead.seal(ops, messages(Message.query("test")), TIMESTAMP);
        for (int bit = 0; bit < datagram.length * 8; bit++) {
            byte[] flipped = datagram.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            ByteBuffer buffer = ByteBuffer.wrap(flipped);
            var header = DatagramHeader.read(buffer);
            assertTrue(header.isEmpty() || Aead.open(ops, header.get(), buffer).isEmpty(), "bit " + bit);
        }
        byte[] other = KEY.clone();
        other[5] ^= 1;
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        var header = DatagramHeader.read(buffer).orElseThrow();
        assertTrue(Aead.open(SecurityProfile.aead("ops", Permission.DEFAULT, other), header, buffer).isEmpty());
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
