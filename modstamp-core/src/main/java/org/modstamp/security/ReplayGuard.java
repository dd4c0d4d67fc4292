package org.modstamp.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Freshness of opened {@code aead} datagrams, per authenticated sender (profile id and sender id, never the
 * source address): the sealed timestamp must be within {@code windowMillis} of this clock, and the counter
 * must pass the sender's {@link ReplayWindow}. A sender is forgotten only when its newest accepted timestamp
 * is more than the window old, when every datagram it sent is refused as stale anyway; never by recency or
 * by count, which would let a replay through. At most {@code maxSenders} senders are held (each about 0.4 KB);
 * when full, a new sender is refused ({@link Verdict#FULL}) until old ones expire. Not thread-safe.
 */
public final class ReplayGuard {
    /** What became of a datagram. */
    public enum Verdict { FRESH, STALE, REPLAY, FULL }

    private final long windowMillis;
    private final int maxSenders;
    private final Map<ByteBuffer, ReplayWindow> senders = new HashMap<>();
    private long lastSweepMillis;

    public ReplayGuard(long windowMillis, int maxSenders) {
        if (windowMillis < 1 || maxSenders < 1) {
            throw new IllegalArgumentException("a replay guard needs a window and room for a sender");
        }
        this.windowMillis = windowMillis;
        this.maxSenders = maxSenders;
    }

    /** Checks and records an opened datagram of profile {@code profileId} at {@code nowMillis}. */
    public Verdict check(String profileId, Aead.Opened opened, long nowMillis) {
        if (Math.abs(nowMillis - opened.timestampMillis()) > windowMillis) {
            return Verdict.STALE;
        }
        ByteBuffer key = key(profileId, opened.sender());
        ReplayWindow window = senders.get(key);
        if (window == null) {
            if (senders.size() >= maxSenders && (sweep(nowMillis) == 0 || senders.size() >= maxSenders)) {
                return Verdict.FULL;
            }
            window = new ReplayWindow();
            senders.put(key, window);
        }
        return window.accept(opened.counter(), opened.timestampMillis()) ? Verdict.FRESH : Verdict.REPLAY;
    }

    /**
     * Forgets senders whose every datagram is stale by now (at most once a second, as it walks them all);
     * returns how many.
     */
    public int sweep(long nowMillis) {
        if (nowMillis - lastSweepMillis < 1000) {
            return 0;
        }
        lastSweepMillis = nowMillis;
        int before = senders.size();
        senders.values().removeIf(w -> nowMillis - w.newestTimestamp() > windowMillis);
        return before - senders.size();
    }

    /** Senders held now. */
    public int senders() {
        return senders.size();
    }

    private static ByteBuffer key(String profileId, byte[] sender) {
        byte[] id = profileId.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(id.length + sender.length).put(id).put(sender).flip();
    }
}
