package org.modstamp.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Reading a profile key from a file (base64 of 32 bytes); the messages never show the key. */
public final class Keys {
    private Keys() {
    }

    /** The key in {@code file}; an IllegalArgumentException says what is wrong with it. */
    public static byte[] read(Path file) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(Files.readString(file).trim());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key file " + file + " is not base64");
        }
        if (key.length != SecurityProfile.KEY_BYTES) {
            throw new IllegalArgumentException("key file " + file + " holds " + key.length + " bytes, not "
                    + SecurityProfile.KEY_BYTES);
        }
        return key;
    }
}
