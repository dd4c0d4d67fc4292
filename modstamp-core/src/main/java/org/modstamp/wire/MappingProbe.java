package org.modstamp.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The values of the mapping-probe extension (how a client behind NAT learns how long its mapping lives, after
 * RFC 5780's binding-lifetime discovery). A {@link MessageType#PROBE} carries a token (any valid id: the client
 * matches the answers with it) and a delay, 4 bytes, big-endian, in milliseconds; an {@link MessageType#OBSERVED}
 * carries the same token and the address the server saw the probe come from: 4 (IPv4) or 16 (IPv6) address
 * bytes, the port in 2 bytes, then the server's listener TTL in seconds in 2 bytes (all big-endian), then a byte of
 * flags, {@link #REFUSED} when the PROBE asked for a delayed answer that the server will not send (an OBSERVED of a
 * server before the flags has none: 8 or 20 bytes, read as no flag). The server answers every PROBE with an
 * OBSERVED at once and, when the delay is not 0 and it holds the answer, again (twice, back to back) once the
 * delay has passed, to the same address and port.
 */
public final class MappingProbe {
    /** Bytes of a delay. */
    public static final int DELAY_LENGTH = 4;
    /** The flag of an OBSERVED that says the delayed answer its PROBE asked for will not come. */
    public static final int REFUSED = 0x01;

    private MappingProbe() {
    }

    /**
     * What an OBSERVED says: the address and port the server saw, how long it keeps a listener registered, and
     * whether it refused to send the delayed answer its PROBE asked for.
     */
    public record Observed(String token, InetSocketAddress seen, int listenerTtlSeconds, boolean refused) {
    }

    /** A PROBE: answer at once, and again {@code delayMillis} later (0: at once only). */
    public static Message probe(String token, long delayMillis) {
        if (delayMillis < 0 || delayMillis > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("a probe delay is 0.." + 0xFFFF_FFFFL + " ms, not " + delayMillis);
        }
        return new Message(MessageType.PROBE, token, ByteBuffer.allocate(DELAY_LENGTH).putInt((int) delayMillis).array());
    }

    /** The delay of a PROBE in milliseconds; empty when its value is not 4 bytes (such a PROBE is ignored). */
    public static Optional<Long> delayMillis(Message probe) {
        byte[] value = probe.value();
        if (probe.type() != MessageType.PROBE || value.length != DELAY_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(ByteBuffer.wrap(value).getInt() & 0xFFFF_FFFFL);
    }

    /**
     * The OBSERVED answer to the PROBE {@code token} from {@code seen}; {@code listenerTtlSeconds} is capped at 65535;
     * {@code refused} says that the delayed answer the PROBE asked for will not come.
     */
    public static Message observed(String token, InetSocketAddress seen, int listenerTtlSeconds, boolean refused) {
        byte[] address = seen.getAddress().getAddress();
        ByteBuffer value = ByteBuffer.allocate(address.length + 5).put(address).putShort((short) seen.getPort())
                .putShort((short) Math.min(0xFFFF, Math.max(0, listenerTtlSeconds))).put((byte) (refused ? REFUSED : 0));
        return new Message(MessageType.OBSERVED, token, value.array());
    }

    /**
     * What an OBSERVED says; empty when it is not one or its value is not 9 or 21 bytes (8 or 20: a server before the
     * flags, read as no flag).
     */
    public static Optional<Observed> read(Message observed) {
        byte[] value = observed.value();
        int length = value.length;
        if (observed.type() != MessageType.OBSERVED || (length != 8 && length != 9 && length != 20 && length != 21)) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        byte[] address = new byte[length < 20 ? 4 : 16];
        in.get(address);
        int port = in.getShort() & 0xFFFF;
        int ttl = in.getShort() & 0xFFFF;
        boolean refused = in.hasRemaining() && (in.get() & REFUSED) != 0;
        try {
            return Optional.of(new Observed(observed.id(), new InetSocketAddress(InetAddress.getByAddress(address), port),
                    ttl, refused));
        } catch (UnknownHostException e) { // only for a wrong length, which is checked above
            throw new IllegalStateException(e);
        }
    }
}
