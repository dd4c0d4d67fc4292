package org.modstamp.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.modstamp.wire.DatagramHeader;

/**
 * The layout of the encrypted profile's datagrams, version 2 (docs/aead-profile.md):
 * <pre>
 * hlen | "a" profileId | version:u8 = 2 | direction:u8 | sender:16 | counter:u64 | inReplyTo:u64 | sealed
 * sealed = ChaCha20-Poly1305(key = HKDF-SHA256(salt "modstamp aead 2", ikm = the profile key,
 *                                              info = direction | sender),
 *                            nonce = 0:u32 | counter, aad = hlen .. inReplyTo [| recipient:16 for a response],
 *                            plaintext = timestampMillis:u64 | messages)
 * </pre>
 * Each sender seals under keys of its own (derived from its random 16-byte id and the direction) with a
 * counter as the nonce, so no nonce repeats under a key; {@link AeadSender} seals, {@link AeadOpener} opens.
 */
public final class Aead {
    public static final int VERSION = 2;
    public static final int SENDER_BYTES = 16;
    public static final int TAG_BYTES = 16;
    public static final int TIMESTAMP_BYTES = 8;
    /** version, direction, sender, counter, inReplyTo: what follows the header in clear. */
    public static final int FIELDS_BYTES = 1 + 1 + SENDER_BYTES + 8 + 8;
    static final String CIPHER = "ChaCha20-Poly1305";
    static final byte[] SALT = "modstamp aead 2".getBytes(StandardCharsets.US_ASCII);
    static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(Aead::newCipher);

    /** Who sealed a datagram: a client asking a server, or a server answering (Reply, M) or signalling. */
    public enum Direction {
        REQUEST, RESPONSE;

        byte code() {
            return (byte) ordinal();
        }
    }

    /** What an opened datagram holds; {@code sender} is authenticated (it chose the key). */
    public record Opened(Direction direction, byte[] sender, long counter, long inReplyTo, long timestampMillis,
                         ByteBuffer payload, int keyIndex) {
    }

    private Aead() {
    }

    /** Bytes a sealed datagram takes beyond its messages. */
    public static int overhead(SecurityProfile profile) {
        return header(profile).encodedLength() + FIELDS_BYTES + TIMESTAMP_BYTES + TAG_BYTES;
    }

    /**
     * Throws {@link IllegalArgumentException} unless the largest message, sealed with {@code profile}, fits in
     * {@code maxPacketSize} (checked when a configuration is made, not when a reply is sent).
     */
    public static void checkMaxPacketSize(SecurityProfile profile, int maxPacketSize) {
        int min = org.modstamp.wire.DatagramPacker.MAX_MESSAGE_LENGTH + overhead(profile);
        if (maxPacketSize < min) {
            throw new IllegalArgumentException("maxPacketSize " + maxPacketSize + " leaves no room for the largest "
                    + "message sealed with aead profile '" + profile.id() + "' (" + overhead(profile)
                    + " bytes of overhead): it must be at least " + min);
        }
    }

    public static DatagramHeader header(SecurityProfile profile) {
        return new DatagramHeader(profile.type().sendSignature(), profile.id());
    }

    /** The key that {@code sender} seals with in {@code direction} under the profile key {@code profileKey}. */
    public static SecretKey deriveKey(byte[] profileKey, Direction direction, byte[] sender) {
        byte[] info = new byte[1 + SENDER_BYTES];
        info[0] = direction.code();
        System.arraycopy(sender, 0, info, 1, SENDER_BYTES);
        return new SecretKeySpec(Hkdf.sha256(SALT, profileKey, info), "ChaCha20");
    }

    /** The version byte of a datagram whose header was read (position at the byte after it), or -1. */
    public static int versionOf(ByteBuffer datagram) {
        return datagram.hasRemaining() ? datagram.get(datagram.position()) & 0xFF : -1;
    }

    static byte[] seal(DatagramHeader header, SecretKey key, Direction direction, byte[] sender, long counter,
                       long inReplyTo, byte[] recipient, long timestampMillis, byte[] messages) {
        int clear = header.encodedLength() + FIELDS_BYTES;
        ByteBuffer out = ByteBuffer.allocate(clear + TIMESTAMP_BYTES + messages.length + TAG_BYTES);
        header.write(out);
        out.put((byte) VERSION).put(direction.code()).put(sender).putLong(counter).putLong(inReplyTo);
        byte[] plain = ByteBuffer.allocate(TIMESTAMP_BYTES + messages.length).putLong(timestampMillis).put(messages)
                .array();
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, counter);
            cipher.updateAAD(out.array(), 0, clear);
            if (direction == Direction.RESPONSE) {
                cipher.updateAAD(recipient);
            }
            cipher.doFinal(plain, 0, plain.length, out.array(), clear);
            return out.array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do " + CIPHER, e);
        }
    }

    /** How an opener finds the key of a sender (and caches it). */
    interface Keys {
        int count();

        SecretKey key(int keyIndex, byte[] sender);
    }

    /**
     * Opens a datagram whose header ({@code header}) was read and whose position is now at the version byte.
     * Empty unless it is version 2, of {@code direction}, and a key authenticates it (for a response, sealed
     * for {@code recipient}).
     */
    static Optional<Opened> open(DatagramHeader header, ByteBuffer datagram, Direction direction, byte[] recipient,
                                 Keys keys) {
        int start = datagram.position();
        if (datagram.remaining() < FIELDS_BYTES + TIMESTAMP_BYTES + TAG_BYTES
                || datagram.get(start) != VERSION || datagram.get(start + 1) != direction.code()) {
            return Optional.empty();
        }
        byte[] aad = new byte[header.encodedLength() + FIELDS_BYTES];
        ByteBuffer aadBuffer = ByteBuffer.wrap(aad);
        header.write(aadBuffer);
        datagram.get(aad, aadBuffer.position(), FIELDS_BYTES);
        byte[] sender = new byte[SENDER_BYTES];
        ByteBuffer fields = ByteBuffer.wrap(aad, aadBuffer.position() + 2, SENDER_BYTES + 16);
        fields.get(sender);
        long counter = fields.getLong();
        long inReplyTo = fields.getLong();
        byte[] sealed = new byte[datagram.remaining()];
        datagram.get(sealed);
        for (int k = 0; k < keys.count(); k++) {
            try {
                Cipher cipher = cipher(Cipher.DECRYPT_MODE, keys.key(k, sender), counter);
                cipher.updateAAD(aad);
                if (direction == Direction.RESPONSE) {
                    cipher.updateAAD(recipient);
                }
                ByteBuffer plain = ByteBuffer.wrap(cipher.doFinal(sealed));
                long timestamp = plain.getLong();
                return Optional.of(new Opened(direction, sender, counter, inReplyTo, timestamp, plain.slice(), k));
            } catch (AEADBadTagException e) {
                // not this key
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK cannot do " + CIPHER, e);
            }
        }
        return Optional.empty();
    }

    /**
     * This thread's cipher, initialised. The JDK refuses to initialise a cipher with the key and nonce it had
     * last (which opening a replay does): then a new one is made.
     */
    private static Cipher cipher(int mode, SecretKey key, long counter) throws GeneralSecurityException {
        Cipher cipher = CIPHERS.get();
        try {
            cipher.init(mode, key, nonce(counter));
        } catch (java.security.InvalidKeyException e) {
            cipher = newCipher();
            cipher.init(mode, key, nonce(counter));
            CIPHERS.set(cipher);
        }
        return cipher;
    }

    private static IvParameterSpec nonce(long counter) {
        return new IvParameterSpec(ByteBuffer.allocate(12).putInt(0).putLong(counter).array());
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(CIPHER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do " + CIPHER, e);
        }
    }

    /** A fresh random key, base64, for a profile file. */
    public static String newKey() {
        byte[] key = new byte[SecurityProfile.KEY_BYTES];
        RANDOM.nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }
}
