package org.modstamp.server.engine;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replay protection for encrypted datagrams: the sealed timestamp must be within {@code windowMillis} of
 * this server's clock, and a nonce already seen from the same sender address (among its last
 * {@value #NONCES_PER_SENDER}) is a replay. Memory is bounded: at most {@value #SENDERS} senders are
 * remembered (the least recently heard forgotten first), which the timestamp window backs up: a datagram
 * older than the window is refused whatever the record says. Not thread-safe: the engine thread owns it.
 */
final class ReplayGuard {
    static final int NONCES_PER_SENDER = 1024;
    static final int SENDERS = 10_000;

    private final long windowMillis;
    private final Map<InetAddress, Map<ByteBuffer, Boolean>> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Map<ByteBuffer, Boolean>> eldest) {
            return size() > SENDERS;
        }
    };

    ReplayGuard(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /** Whether the datagram is fresh (and records its nonce); false for a replay or a stale timestamp. */
    boolean fresh(InetAddress sender, long timestampMillis, byte[] nonce, long nowMillis) {
        if (Math.abs(nowMillis - timestampMillis) > windowMillis) {
            return false;
        }
        Map<ByteBuffer, Boolean> nonces = seen.computeIfAbsent(sender, s -> new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
                return size() > NONCES_PER_SENDER;
            }
        });
        return nonces.putIfAbsent(ByteBuffer.wrap(nonce.clone()), Boolean.TRUE) == null;
    }
}
