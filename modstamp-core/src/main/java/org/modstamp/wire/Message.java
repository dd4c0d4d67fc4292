package org.modstamp.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One protocol message. The id is validated on construction; the value is raw bytes, 0..255 long,
 * where length 0 means "no value" (null and "" are the same on the wire). A Query carries no value. A message
 * of three arguments (the watch extension's CHANGED) carries a third, {@code extra}, 0..255 bytes too; the others
 * carry none.
 */
public record Message(MessageType type, String id, byte[] value, byte[] extra) {
    public static final int MAX_VALUE_LENGTH = 255;
    private static final byte[] NONE = new byte[0];

    /** A message of one or two arguments. */
    public Message(MessageType type, String id, byte[] value) {
        this(type, id, value, NONE);
    }

    public Message {
        if (type == null) {
            throw new IllegalArgumentException("message type is required");
        }
        Ids.require(id);
        value = value == null ? NONE : value;
        if (value.length > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("value of '" + id + "' is " + value.length
                    + " bytes: a value is 0.." + MAX_VALUE_LENGTH + " bytes");
        }
        if (!type.hasValue() && value.length != 0) {
            throw new IllegalArgumentException("a " + type + " message carries no value");
        }
        extra = extra == null ? NONE : extra;
        if (extra.length > MAX_VALUE_LENGTH || (type.argc() < 3 && extra.length != 0)) {
            throw new IllegalArgumentException("a " + type + " message carries no third argument of " + extra.length
                    + " bytes");
        }
    }

    public static Message query(String id) {
        return new Message(MessageType.QUERY, id, NONE);
    }

    public static Message reply(String id, byte[] value) {
        return new Message(MessageType.REPLY, id, value);
    }

    public static Message change(String id, byte[] value) {
        return new Message(MessageType.CHANGE, id, value);
    }

    public static Message modified(String id, byte[] value) {
        return new Message(MessageType.MODIFIED, id, value);
    }

    public static Message signal(String id, byte[] value) {
        return new Message(MessageType.SIGNAL, id, value);
    }

    /** The value as a defensive copy. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value decoded as UTF-8, or null when there is none. */
    public String valueAsString() {
        return value.length == 0 ? null : new String(value, StandardCharsets.UTF_8);
    }

    public boolean hasValue() {
        return value.length != 0;
    }

    /** The third argument as a defensive copy (empty for a message of fewer). */
    @Override
    public byte[] extra() {
        return extra.clone();
    }

    /** Bytes this message takes on the wire. */
    public int encodedLength() {
        return 2 + 1 + id.length() + (type.hasValue() ? 1 + value.length : 0) + (type.argc() > 2 ? 1 + extra.length : 0);
    }

    /** The value array itself, for the codec (never modified there). */
    byte[] valueArray() {
        return value;
    }

    /** The third argument's array itself, for the codec. */
    byte[] extraArray() {
        return extra;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && m.type == type && m.id.equals(id) && Arrays.equals(m.value, value)
                && Arrays.equals(m.extra, extra);
    }

    @Override
    public int hashCode() {
        return ((type.hashCode() * 31 + id.hashCode()) * 31 + Arrays.hashCode(value)) * 31 + Arrays.hashCode(extra);
    }

    @Override
    public String toString() {
        return type + "(" + id + (type.hasValue() ? ", " + HexFormat.of().formatHex(value) : "")
                + (type.argc() > 2 ? ", " + HexFormat.of().formatHex(extra) : "") + ")";
    }
}
