package org.modstamp.client;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.modstamp.wire.Ids;
import org.modstamp.wire.Message;

/** Modstamp values as Java strings: UTF-8 on the wire, at most 255 bytes, null or "" for "no value". */
public final class Values {
    private static final byte[] NONE = new byte[0];

    private Values() {
    }

    static byte[] encode(String id, String value) {
        if (value == null) {
            return NONE;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Message.MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("value of '" + id + "' is " + bytes.length
                    + " bytes in UTF-8: a value is at most " + Message.MAX_VALUE_LENGTH + " bytes");
        }
        return bytes;
    }

    static String decode(byte[] value) {
        return value.length == 0 ? null : new String(value, StandardCharsets.UTF_8);
    }

    /**
     * Checks changes as a push would before sending anything: every id valid, every value at most 255 bytes
     * in UTF-8. Throws IllegalArgumentException naming the first bad one.
     */
    public static void check(Map<String, String> changes) {
        encodeAll(changes);
    }

    /** Validates every id and value before anything is sent; the message names the first bad one. */
    static Map<String, byte[]> encodeAll(Map<String, String> changes) {
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        changes.forEach((id, value) -> encoded.put(Ids.require(id), encode(id, value)));
        return encoded;
    }
}
