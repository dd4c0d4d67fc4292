package org.modstamp.security;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869), for one output block of 32 bytes: what deriving a ChaCha20 key needs. */
public final class Hkdf {
    public static final int LENGTH = 32;
    private static final String HMAC = "HmacSHA256";

    private Hkdf() {
    }

    /** {@code HKDF-Expand(HKDF-Extract(salt, ikm), info, 32)}. */
    public static byte[] sha256(byte[] salt, byte[] ikm, byte[] info) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(salt, HMAC));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, HMAC));
            mac.update(info);
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do " + HMAC, e);
        }
    }
}
