package org.modstamp.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses a payload ({@code message*}) into messages, as the protocol says: a framing error anywhere
 * (a length running past the end) rejects the whole payload; a message with an unknown descriptor, a
 * wrong argument count or an invalid id is skipped and the others are kept. Never throws on any input.
 */
public final class MessageDecoder {
    private MessageDecoder() {
    }

    /** The messages of the payload from its position to its limit; empty on a framing error. */
    public static Optional<List<Message>> decode(ByteBuffer payload) {
        int start = payload.position();
        int end = payload.limit();
        if (!isWellFramed(payload, start, end)) {
            return Optional.empty();
        }
        List<Message> messages = new ArrayList<>(4);
        int at = start;
        while (at < end) {
            int desc = payload.get(at) & 0xFF;
            int argc = payload.get(at + 1) & 0xFF;
            int next = skipArgs(payload, at + 2, argc, end);
            MessageType type = MessageType.lookup(desc);
            if (type != null && argc == type.argc()) {
                Message message = read(payload, type, at + 2);
                if (message != null) {
                    messages.add(message);
                }
            }
            at = next;
        }
        return Optional.of(messages);
    }

    private static boolean isWellFramed(ByteBuffer payload, int at, int end) {
        while (at < end) {
            if (end - at < 2) {
                return false;
            }
            at = skipArgs(payload, at + 2, payload.get(at + 1) & 0xFF, end);
            if (at < 0) {
                return false;
            }
        }
        return true;
    }

    /** Index after {@code argc} length-prefixed arguments starting at {@code at}, or -1 past {@code end}. */
    private static int skipArgs(ByteBuffer payload, int at, int argc, int end) {
        for (int i = 0; i < argc; i++) {
            if (at >= end) {
                return -1;
            }
            at += 1 + (payload.get(at) & 0xFF);
            if (at > end) {
                return -1;
            }
        }
        return at;
    }

    /** The message whose arguments start at {@code at}, or null when its id is invalid. */
    private static Message read(ByteBuffer payload, MessageType type, int at) {
        int idLength = payload.get(at) & 0xFF;
        if (!Ids.isValid(payload, at + 1, idLength)) {
            return null;
        }
        byte[] id = new byte[idLength];
        payload.get(at + 1, id);
        byte[] value = null;
        byte[] extra = null;
        if (type.hasValue()) {
            int valueAt = at + 1 + idLength;
            value = new byte[payload.get(valueAt) & 0xFF];
            payload.get(valueAt + 1, value);
            if (type.argc() > 2) {
                int extraAt = valueAt + 1 + value.length;
                extra = new byte[payload.get(extraAt) & 0xFF];
                payload.get(extraAt + 1, extra);
            }
        }
        return new Message(type, new String(id, StandardCharsets.ISO_8859_1), value, extra);
    }
}
