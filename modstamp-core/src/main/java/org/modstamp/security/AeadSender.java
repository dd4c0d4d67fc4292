package org.modstamp.security;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import javax.crypto.SecretKey;

import org.modstamp.security.Aead.Direction;
import org.modstamp.wire.DatagramHeader;

/**
 * One party's sending side of an {@code aead} profile (version 2): a random 16-byte sender id, a key derived
 * for it and its direction from each profile key, and a counter that is the nonce, so that no nonce ever
 * repeats under a key (a new sender, a new id: a restart never reuses a counter). Counts the seals made with
 * each profile key and logs, once, when {@value #ROTATION_DUE_EXPONENT} bits' worth have been made: the key
 * is due for rotation. Thread-safe.
 */
public final class AeadSender {
    private static final System.Logger LOG = System.getLogger(AeadSender.class.getName());
    static final int ROTATION_DUE_EXPONENT = 48;

    /** A sealed datagram and the counter it carries (what a response to it names in inReplyTo). */
    public record Sealed(byte[] datagram, long counter) {
    }

    private final SecurityProfile profile;
    private final DatagramHeader header;
    private final Direction direction;
    private final byte[] id;
    private final SecretKey[] keys;
    private final AtomicLong counter;
    private final AtomicLongArray seals;
    private final long rotationDue;

    /** A sender with a fresh random id. */
    public AeadSender(SecurityProfile profile, Direction direction) {
        this(profile, direction, randomId(), 0, 1L << ROTATION_DUE_EXPONENT);
    }

    /** A sender with a given id whose next counter is {@code lastCounter + 1} (test vectors and tests). */
    AeadSender(SecurityProfile profile, Direction direction, byte[] id, long lastCounter, long rotationDue) {
        if (!profile.type().isProtected()) {
            throw new IllegalArgumentException("a plain profile seals nothing");
        }
        this.profile = profile;
        this.header = Aead.header(profile);
        this.direction = direction;
        this.id = id.clone();
        this.keys = profile.keys().stream().map(k -> Aead.deriveKey(k, direction, this.id)).toArray(SecretKey[]::new);
        this.counter = new AtomicLong(lastCounter);
        this.seals = new AtomicLongArray(keys.length);
        this.rotationDue = rotationDue;
    }

    private static byte[] randomId() {
        byte[] id = new byte[Aead.SENDER_BYTES];
        Aead.RANDOM.nextBytes(id);
        return id;
    }

    /** This sender's id (responses to it are sealed for it). */
    public byte[] id() {
        return id.clone();
    }

    public SecurityProfile profile() {
        return profile;
    }

    /** A request (or a Signal: {@code inReplyTo} 0) sealed with the first key. */
    public Sealed seal(byte[] messages, long timestampMillis) {
        return seal(0, messages, timestampMillis, 0, null);
    }

    /**
     * Seals {@code messages} (encoded messages, no header) with profile key {@code keyIndex}; a response names
     * the request it answers ({@code inReplyTo}, 0 for none) and is sealed for {@code recipient}'s id.
     */
    public Sealed seal(int keyIndex, byte[] messages, long timestampMillis, long inReplyTo, byte[] recipient) {
        if (direction == Direction.RESPONSE && (recipient == null || recipient.length != Aead.SENDER_BYTES)) {
            throw new IllegalArgumentException("a response is sealed for a recipient's " + Aead.SENDER_BYTES
                    + "-byte sender id");
        }
        long n = counter.incrementAndGet();
        if (n <= 0) {
            throw new IllegalStateException("this sender's counter is exhausted: make a new sender (a new id)");
        }
        if (seals.incrementAndGet(keyIndex) == rotationDue) {
            LOG.log(System.Logger.Level.WARNING, "key " + (keyIndex + 1) + " of " + profile + " has sealed "
                    + rotationDue + " datagrams for sender " + HexFormat.of().formatHex(id)
                    + ": rotation is due (docs/aead-profile.md, Keys and rotation)");
        }
        return new Sealed(Aead.seal(header, keys[keyIndex], direction, id, n, inReplyTo, recipient,
                timestampMillis, messages), n);
    }

    /** Datagrams sealed with profile key {@code keyIndex}. */
    public long seals(int keyIndex) {
        return seals.get(keyIndex);
    }

    /** Whether key {@code keyIndex} has sealed so many datagrams that it should be rotated. */
    public boolean rotationDue(int keyIndex) {
        return seals.get(keyIndex) >= rotationDue;
    }
}
