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
 * bytes, the port in 2 bytes, then the server's listener TTL in seconds in 2 bytes (all big-endian). The server
 * answers every PROBE with an OBSERVED at once and, when the delay is not 0, again (twice, back to back) once the
 * delay has passed, to the same address and port.
 */
public final class MappingProbe {
    /** Bytes of a delay. */
    public static final int DELAY_LENGTH = 4;

    private MappingProbe() {
    }

    /** What an OBSERVED says: the address and port the server saw, and how long it keeps a listener registered. */
    public record Observed(String token, InetSocketAddress seen, int listenerTtlSeconds) {
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

    /** The OBSERVED answer to the PROBE {@code token} from {@code seen}; {@code listenerTtlSeconds} is capped at 65535. */
    public static Message observed(String token, InetSocketAddress seen, int listenerTtlSeconds) {
        byte[] address = seen.getAddress().getAddress();
        ByteBuffer value = ByteBuffer.allocate(address.length + 4).put(address).putShort((short) seen.getPort())
                .putShort((short) Math.min(0xFFFF, Math.max(0, listenerTtlSeconds)));
        return new Message(MessageType.OBSERVED, token, value.array());
    }

    /** What an OBSERVED says; empty when it is not one or its value is neither 8 nor 20 bytes. */
    public static Optional<Observed> read(Message observed) {
        byte[] value = observed.value();
        if (observed.type() != MessageType.OBSERVED || (value.length != 8 && value.length != 20)) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        byte[] address = new byte[value.length - 4];
        in.get(address);
        int port = in.getShort() & 0xFFFF;
        int ttl = in.getShort() & 0xFFFF;
        try {
            return Optional.of(new Observed(observed.id(), new InetSocketAddress(InetAddress.getByAddress(address), port), ttl));
        } catch (UnknownHostException e) { // only for a wrong length, which is checked above
            throw new IllegalStateException(e);
        }
    }
}
