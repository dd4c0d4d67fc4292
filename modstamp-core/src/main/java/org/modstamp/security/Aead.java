package org.modstamp.security;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.modstamp.wire.DatagramHeader;

/**
 * The encrypted profile's datagrams (docs/aead-profile.md):
 * {@code hlen | "a" profileId | nonce:12 | ChaCha20-Poly1305(key, nonce, aad = hlen..profileId,
 * plaintext = timestampMillis:u64 | messages) with its 16-byte tag}. Nonces are random (96 bits), so they
 * don't repeat under one key for any realistic number of datagrams.
 */
public final class Aead {
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    public static final int TIMESTAMP_BYTES = 8;
    private static final String CIPHER = "ChaCha20-Poly1305";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What an opened datagram holds. */
    public record Opened(long timestampMillis, byte[] nonce, ByteBuffer payload, int keyIndex) {
    }

    private Aead() {
    }

    /** Bytes a sealed datagram takes beyond its messages. */
    public static int overhead(SecurityProfile profile) {
        return header(profile).encodedLength() + NONCE_BYTES + TIMESTAMP_BYTES + TAG_BYTES;
    }

    public static DatagramHeader header(SecurityProfile profile) {
        return new DatagramHeader(profile.type().sendSignature(), profile.id());
    }

    /** Seals {@code messages} (encoded messages, no header) with a fresh random nonce and the first key. */
    public static byte[] seal(SecurityProfile profile, byte[] messages, long timestampMillis) {
        return seal(profile, 0, messages, timestampMillis);
    }

    /** Seals with key {@code keyIndex} of the profile (a reply uses the key its request came with). */
    public static byte[] seal(SecurityProfile profile, int keyIndex, byte[] messages, long timestampMillis) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return seal(profile, keyIndex, messages, timestampMillis, nonce);
    }

    /** As {@link #seal(SecurityProfile, int, byte[], long)} with a given nonce (test vectors). */
    public static byte[] seal(SecurityProfile profile, int keyIndex, byte[] messages, long timestampMillis,
                              byte[] nonce) {
        DatagramHeader header = header(profile);
        ByteBuffer aad = ByteBuffer.allocate(header.encodedLength());
        header.write(aad);
        ByteBuffer plain = ByteBuffer.allocate(TIMESTAMP_BYTES + messages.length).putLong(timestampMillis).put(messages);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, profile.keys().get(keyIndex), nonce);
            cipher.updateAAD(aad.array());
            byte[] sealed = cipher.doFinal(plain.array());
            return ByteBuffer.allocate(aad.capacity() + NONCE_BYTES + sealed.length)
                    .put(aad.array()).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do " + CIPHER, e);
        }
    }

    /**
     * Opens a datagram whose header ({@code header}) was read and whose position is now at the nonce; tries
     * each key of the profile. Empty when no key authenticates it (tampered, wrong key, truncated).
     */
    public static Optional<Opened> open(SecurityProfile profile, DatagramHeader header, ByteBuffer datagram) {
        if (datagram.remaining() < NONCE_BYTES + TIMESTAMP_BYTES + TAG_BYTES) {
            return Optional.empty();
        }
        ByteBuffer aad = ByteBuffer.allocate(header.encodedLength());
        header.write(aad);
        byte[] nonce = new byte[NONCE_BYTES];
        datagram.get(nonce);
        byte[] sealed = new byte[datagram.remaining()];
        datagram.get(sealed);
        for (int k = 0; k < profile.keys().size(); k++) {
            try {
                Cipher cipher = cipher(Cipher.DECRYPT_MODE, profile.keys().get(k), nonce);
                cipher.updateAAD(aad.array());
                byte[] plain = cipher.doFinal(sealed);
                ByteBuffer buffer = ByteBuffer.wrap(plain);
                long timestamp = buffer.getLong();
                return Optional.of(new Opened(timestamp, nonce, buffer.slice(), k));
            } catch (javax.crypto.AEADBadTagException e) {
                // not this key
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK cannot do " + CIPHER, e);
            }
        }
        return Optional.empty();
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(CIPHER);
        cipher.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        return cipher;
    }

    /** A fresh random key, base64, for a profile file. */
    public static String newKey() {
        byte[] key = new byte[SecurityProfile.KEY_BYTES];
        RANDOM.nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }
}
