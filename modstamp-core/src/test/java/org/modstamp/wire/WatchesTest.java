package org.modstamp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modstamp.wire.Hex.decode;
import static org.modstamp.wire.Hex.hex;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.modstamp.wire.Watches.Position;

/** The watch extension's messages, byte for byte as docs/protocol.md gives them. */
class WatchesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Position AT_5 = new Position(0x0102030405060708L, 5);

    @Test
    void theDocumentedVectors() {
        assertEquals("005702026f2e10" + "00000000000000000000000000000000", hex(Watches.watch("o.", Position.NOW)));
        assertEquals("005702026f2e10" + "0102030405060708" + "0000000000000005", hex(Watches.watch("o.", AT_5)));
        assertEquals("004e03036f2e310176080000000000000006", hex(Watches.changed("o.1", "v".getBytes(), 6)));
        assertEquals("004e03036f2e3200080000000000000007", hex(Watches.changed("o.2", null, 7)), "a deletion");
        Position at6 = new Position(AT_5.epoch(), 6);
        assertEquals("004802026f2e11" + "0102030405060708" + "0000000000000006" + "00", hex(Watches.watched("o.", at6, 0)));
        assertEquals("004802026f2e11" + "0102030405060708" + "0000000000000006" + "01",
                hex(Watches.watched("o.", at6, Watches.RESET)));
        assertEquals("004802026f2e11" + "0102030405060708" + "0000000000000006" + "02",
                hex(Watches.watched("o.", at6, Watches.MORE)));

        assertEquals(AT_5, Watches.position(decode("005702026f2e10" + "0102030405060708" + "0000000000000005")).orElseThrow());
        assertTrue(Watches.position(decode("005702026f2e10" + "00000000000000000000000000000000")).orElseThrow().isNow());
        Watches.Changed changed = Watches.changed(decode("004e03036f2e310176080000000000000006")).orElseThrow();
        assertEquals("o.1", changed.id());
        assertArrayEquals("v".getBytes(), changed.value());
        assertEquals(6, changed.revision());
        assertEquals(new Watches.Watched("o.", at6, true, false),
                Watches.watched(decode("004802026f2e11" + "0102030405060708" + "0000000000000006" + "01")).orElseThrow());
    }

    /** A message of the extension with a value of another length says nothing; one with another argc is skipped. */
    @Test
    void malformedWatchMessagesAreIgnored() {
        assertTrue(Watches.position(decode("005702026f2e0f" + "000000000000000000000000000000")).isEmpty());
        assertTrue(Watches.changed(decode("004e03036f2e310176070000000000000006".substring(0, 34))).isEmpty());
        assertTrue(Watches.watched(decode("004802026f2e10" + "0102030405060708" + "0000000000000006")).isEmpty());
        ByteBuffer twoArgs = ByteBuffer.wrap(HEX.parseHex("004e02036f2e310176" + "5101016b"));
        DatagramHeader.read(twoArgs).orElseThrow();
        assertEquals(List.of(Message.query("k")), MessageDecoder.decode(twoArgs).orElseThrow(),
                "a CHANGED of 2 arguments is skipped, the Query after it stands");
    }
}
