package org.modstamp.protocol;

import java.nio.ByteBuffer;
import java.util.Optional;

import org.modstamp.security.Aead;
import org.modstamp.security.AeadOpener;
import org.modstamp.security.AeadSender;
import org.modstamp.security.SecurityProfile;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;

/**
 * Packing for a profile, sealing and opening: the one path by which a client and a server turn messages into
 * the datagrams of an {@code aead} profile and back. Messages are packed as plain datagrams ({@link #packer})
 * that still fit the size limit once sealed; sealing replaces the plain header byte by the profile's header
 * and fields (docs/aead-profile.md). Freshness is not checked here: see {@link org.modstamp.security.ReplayGuard}.
 * Thread-safe.
 */
public final class SealedDatagrams {
    private final AeadSender sender;
    private final AeadOpener opener;

    private SealedDatagrams(AeadSender sender, AeadOpener opener) {
        this.sender = sender;
        this.opener = opener;
    }

    /** A client's side of {@code profile}: seals requests under a fresh sender id, opens the responses sealed for it. */
    public static SealedDatagrams forClient(SecurityProfile profile) {
        AeadSender sender = new AeadSender(profile, Aead.Direction.REQUEST);
        return new SealedDatagrams(sender, AeadOpener.responsesFor(profile, sender.id()));
    }

    /** A server's side of {@code profile}: opens requests, seals responses and Signals. */
    public static SealedDatagrams forServer(SecurityProfile profile) {
        return new SealedDatagrams(new AeadSender(profile, Aead.Direction.RESPONSE), AeadOpener.requests(profile));
    }

    /**
     * A packer of plain datagrams that fit in {@code maxPacketSize} once sealed with {@code profile}; for a plain
     * profile (or none, null) they fit as they are.
     */
    public static DatagramPacker packer(SecurityProfile profile, int maxPacketSize) {
        boolean sealed = profile != null && profile.type().isProtected();
        int plainHeader = DatagramHeader.PLAIN.encodedLength();
        return new DatagramPacker(DatagramHeader.PLAIN,
                maxPacketSize - (sealed ? Aead.overhead(profile) - plainHeader : 0));
    }

    public SecurityProfile profile() {
        return opener.profile();
    }

    /** A request packed by {@link #packer}, sealed with the first key; its counter is what a response names. */
    public AeadSender.Sealed sealRequest(byte[] packed, long nowMillis) {
        return sender.seal(messagesOf(packed), nowMillis);
    }

    /**
     * A response packed by {@link #packer}, sealed with key {@code keyIndex} for {@code recipient}'s sender id,
     * answering its request {@code inReplyTo} (0 for a Signal, which answers none).
     */
    public byte[] sealResponse(byte[] packed, long nowMillis, int keyIndex, long inReplyTo, byte[] recipient) {
        return sender.seal(keyIndex, messagesOf(packed), nowMillis, inReplyTo, recipient).datagram();
    }

    /**
     * Opens a datagram whose header was read (position at the byte after it): empty unless one of the profile's
     * keys authenticates it, sealed in the other direction (and for a client, for its own sender id).
     */
    public Optional<Aead.Opened> open(DatagramHeader header, ByteBuffer datagram) {
        return opener.open(header, datagram);
    }

    /** The messages of a plain datagram: what follows its header byte. */
    private static byte[] messagesOf(byte[] packed) {
        int header = DatagramHeader.PLAIN.encodedLength();
        if (packed.length < header || packed[0] != 0) {
            throw new IllegalArgumentException("not a plain datagram (header 00 and messages): what a packer made"
                    + " is sealed, nothing else");
        }
        byte[] messages = new byte[packed.length - header];
        System.arraycopy(packed, header, messages, 0, messages.length);
        return messages;
    }
}
