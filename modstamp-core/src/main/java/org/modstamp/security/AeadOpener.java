package org.modstamp.security;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.crypto.SecretKey;

import org.modstamp.security.Aead.Direction;
import org.modstamp.wire.DatagramHeader;

/**
 * The receiving side of an {@code aead} profile (version 2): opens datagrams of one direction (for a
 * response, only those sealed for this party's own sender id), trying each profile key. Keys derived for
 * senders whose datagrams opened are cached (at most {@value #CACHED_SENDERS}), so that garbage never
 * evicts them. Opening says nothing about freshness: see {@link ReplayGuard}. Thread-safe.
 */
public final class AeadOpener {
    static final int CACHED_SENDERS = 4096;

    private final SecurityProfile profile;
    private final Direction direction;
    private final byte[] recipient;
    private final Map<ByteBuffer, SecretKey[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, SecretKey[]> eldest) {
            return size() > CACHED_SENDERS;
        }
    };

    /** Opens requests, as a server does. */
    public static AeadOpener requests(SecurityProfile profile) {
        return new AeadOpener(profile, Direction.REQUEST, null);
    }

    /** Opens responses sealed for {@code recipient} (a client's own sender id). */
    public static AeadOpener responsesFor(SecurityProfile profile, byte[] recipient) {
        return new AeadOpener(profile, Direction.RESPONSE, recipient.clone());
    }

    private AeadOpener(SecurityProfile profile, Direction direction, byte[] recipient) {
        this.profile = profile;
        this.direction = direction;
        this.recipient = recipient;
    }

    public SecurityProfile profile() {
        return profile;
    }

    /**
     * Opens a datagram whose header was read (position at the version byte). Empty when it is not version 2,
     * not of this direction, not for this recipient, or no key authenticates it (tampered, wrong key).
     */
    public Optional<Aead.Opened> open(DatagramHeader header, ByteBuffer datagram) {
        Optional<Aead.Opened> opened = Aead.open(header, datagram, direction, recipient, new Aead.Keys() {
            @Override
            public int count() {
                return profile.keys().size();
            }

            @Override
            public SecretKey key(int keyIndex, byte[] sender) {
                SecretKey[] cached = cached(sender);
                return cached != null ? cached[keyIndex] : Aead.deriveKey(profile.keys().get(keyIndex), direction, sender);
            }
        });
        opened.ifPresent(o -> remember(o.sender()));
        return opened;
    }

    private synchronized SecretKey[] cached(byte[] sender) {
        return cache.get(ByteBuffer.wrap(sender));
    }

    private synchronized void remember(byte[] sender) {
        cache.computeIfAbsent(ByteBuffer.wrap(sender), s -> profile.keys().stream()
                .map(k -> Aead.deriveKey(k, direction, sender)).toArray(SecretKey[]::new));
    }
}
