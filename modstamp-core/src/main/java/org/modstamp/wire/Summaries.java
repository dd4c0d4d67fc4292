package org.modstamp.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The values of the summary keep-alive: a listener of many ids keeps its registrations alive with one short
 * message, a summary of what it listens to, instead of a Query per id (as Thialfi's registration summaries do). A
 * <em>set</em> is named by the client (any valid id, random: it is what a forger would have to guess) and belongs to
 * the endpoint (address and port) it came from. A {@link MessageType#KEEP} carries the set's name and a summary of 17
 * bytes, big-endian: a byte of flags ({@link #JOIN}), the set's generation (4 bytes), the number of its ids (4 bytes)
 * and its digest (8 bytes). A {@link MessageType#KEPT} answers with the server's summary of the set and its own
 * flags ({@link #RENEWED}, {@link #JOINED}). The digest of a set is the sum, modulo 2^64, of a 64-bit hash of each
 * id with its value ({@link #hash}): it changes with the ids and with their values, so that a client that missed a
 * Signal disagrees with the server and queries its ids again.
 */
public final class Summaries {
    public static final int LENGTH = 17;
    /** KEEP: the Queries that follow in this datagram are ids of the set, of this generation (a newer one starts it anew). */
    public static final int JOIN = 0x01;
    /** KEPT: the summaries agreed, and every id of the set was registered again. */
    public static final int RENEWED = 0x01;
    /** KEPT: the answer to a {@link #JOIN}; the summary's count is the set's now (its digest is not computed: 0). */
    public static final int JOINED = 0x02;

    private Summaries() {
    }

    /** A summary of a set: its generation, how many ids it has, and their digest. */
    public record Summary(int generation, int count, long digest) {
    }

    /** What a KEEP or a KEPT says: the set, the flags, the summary. */
    public record Keep(String set, int flags, Summary summary) {
        public boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }

    /** A KEEP of {@code set} with {@code flags} ({@link #JOIN} or 0) and the client's summary. */
    public static Message keep(String set, int flags, Summary summary) {
        return message(MessageType.KEEP, set, flags, summary);
    }

    /** The KEPT answer for {@code set}: {@code flags} of {@link #RENEWED}, {@link #JOINED}, and the server's summary. */
    public static Message kept(String set, int flags, Summary summary) {
        return message(MessageType.KEPT, set, flags, summary);
    }

    /** What a KEEP or a KEPT says; empty when it is neither or its value is not {@value #LENGTH} bytes (ignored). */
    public static Optional<Keep> read(Message m) {
        byte[] value = m.value();
        if ((m.type() != MessageType.KEEP && m.type() != MessageType.KEPT) || value.length != LENGTH) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        int flags = in.get() & 0xFF;
        return Optional.of(new Keep(m.id(), flags, new Summary(in.getInt(), in.getInt(), in.getLong())));
    }

    private static Message message(MessageType type, String set, int flags, Summary s) {
        return new Message(type, set, ByteBuffer.allocate(LENGTH).put((byte) flags).putInt(s.generation())
                .putInt(s.count()).putLong(s.digest()).array());
    }

    /**
     * The 64-bit hash of {@code id} with {@code value} (empty: none) in a digest: the first 8 bytes, big-endian, of
     * the SHA-256 of the id's length (1 byte), the id (ISO-8859-1, as on the wire) and the value.
     */
    public static long hash(String id, byte[] value) {
        MessageDigest sha = sha256();
        sha.update((byte) id.length());
        sha.update(id.getBytes(StandardCharsets.ISO_8859_1));
        sha.update(value);
        return ByteBuffer.wrap(sha.digest()).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** A digest kept up to date as ids come, go and change value: the sum of their {@link #hash}es, and their count. */
    public static final class Digest {
        private long sum;
        private int count;

        /** {@code id} joined with {@code value}. */
        public void add(String id, byte[] value) {
            sum += hash(id, value);
            count++;
        }

        /** {@code id}, which had {@code value}, left. */
        public void remove(String id, byte[] value) {
            sum -= hash(id, value);
            count--;
        }

        public long value() {
            return sum;
        }

        public int count() {
            return count;
        }
    }
}
