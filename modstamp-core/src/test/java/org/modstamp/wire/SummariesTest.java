package org.modstamp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modstamp.wire.Hex.decode;
import static org.modstamp.wire.Hex.hex;


import org.junit.jupiter.api.Test;
import org.modstamp.wire.Summaries.Summary;

/** The summary keep-alive's messages and digest, byte for byte as docs/protocol.md gives them. */
class SummariesTest {
    /** The digest of {a: "1", b: "x"}. */
    private static final long DIGEST = 0xb04a77acdfbee0beL;

    @Test
    void theDocumentedHashesAndDigest() {
        assertEquals(0x39fa52aada797b86L, Summaries.hash("a", "1".getBytes()));
        assertEquals(0x7650250205456538L, Summaries.hash("b", "x".getBytes()));
        Summaries.Digest digest = new Summaries.Digest();
        digest.add("b", "x".getBytes());
        digest.add("a", "0".getBytes());
        digest.remove("a", "0".getBytes());
        digest.add("a", "1".getBytes());
        assertEquals(DIGEST, digest.value(), "the sum, in any order, of the ids with their values");
        assertEquals(2, digest.count());
    }

    @Test
    void theDocumentedVectors() {
        assertEquals("004b0202733111" + "01" + "00000001" + "00000000" + "0000000000000000",
                hex(Summaries.keep("s1", Summaries.JOIN, new Summary(1, 0, 0))));
        assertEquals("004b0202733111" + "00" + "00000001" + "00000002" + "b04a77acdfbee0be",
                hex(Summaries.keep("s1", 0, new Summary(1, 2, DIGEST))));
        assertEquals("00550202733111" + "02" + "00000001" + "00000002" + "0000000000000000",
                hex(Summaries.kept("s1", Summaries.JOINED, new Summary(1, 2, 0))));
        assertEquals("00550202733111" + "01" + "00000001" + "00000002" + "b04a77acdfbee0be",
                hex(Summaries.kept("s1", Summaries.RENEWED, new Summary(1, 2, DIGEST))));
        assertEquals("00550202733111" + "00" + "00000000" + "00000000" + "0000000000000000",
                hex(Summaries.kept("s1", 0, new Summary(0, 0, 0))));

        Summaries.Keep renewed = Summaries.read(decode("00550202733111" + "01" + "00000001" + "00000002"
                + "b04a77acdfbee0be")).orElseThrow();
        assertEquals(new Summaries.Keep("s1", Summaries.RENEWED, new Summary(1, 2, DIGEST)), renewed);
        assertTrue(renewed.has(Summaries.RENEWED));
    }

    @Test
    void aKeepOrKeptOfAnotherLengthSaysNothing() {
        assertTrue(Summaries.read(decode("004b0202733110" + "00" + "00000001" + "00000002" + "b04a77acdfbee0")).isEmpty());
        assertTrue(Summaries.read(Message.query("s1")).isEmpty());
    }
}
