package org.modstamp.wire;

import java.nio.ByteBuffer;

/** Rules for modstamp ids: 1..255 bytes of {@code [0-9A-Za-z_.:-]}. */
public final class Ids {
    public static final int MAX_LENGTH = 255;

    private static final boolean[] ALLOWED = new boolean[256];

    static {
        for (char c : "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.:-".toCharArray()) {
            ALLOWED[c] = true;
        }
    }

    private Ids() {
    }

    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c > 255 || !ALLOWED[c]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the {@code length} bytes of {@code buf} from absolute index {@code from} form a valid id. */
    static boolean isValid(ByteBuffer buf, int from, int length) {
        if (length == 0) {
            return false;
        }
        for (int i = from; i < from + length; i++) {
            if (!ALLOWED[buf.get(i) & 0xFF]) {
                return false;
            }
        }
        return true;
    }

    /** Throws {@link IllegalArgumentException} naming the rule when {@code id} is not valid. */
    public static String require(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("invalid modstamp id " + describe(id)
                    + ": an id is 1.." + MAX_LENGTH + " characters of [0-9A-Za-z_.:-]");
        }
        return id;
    }

    private static String describe(String id) {
        if (id == null) {
            return "null";
        }
        String shown = id.length() > 40 ? id.substring(0, 40) + "..." : id;
        return "'" + shown + "' (length " + id.length() + ")";
    }
}
