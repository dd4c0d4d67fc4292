package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import org.modstamp.protocol.Protocol;
import org.modstamp.protocol.SealedDatagrams;
import org.modstamp.security.Aead;
import org.modstamp.security.ReplayGuard;
import org.modstamp.security.SecurityProfile;
import org.modstamp.server.ServerClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;

/**
 * The first step of a datagram: from bytes and a source to an accepted {@link Request}, or a silent drop,
 * counted. It checks the size and the header, finds the profile entry that accepts the datagram (the first whose
 * type, profile id and hosts match and, for a sealed one, whose key opens it), refuses replays and entries that
 * grant nothing, and decodes the messages. It also seals what goes back to sealed senders. Not thread-safe: the
 * engine thread owns it.
 */
final class RequestOpener {
    private static final System.Logger LOG = System.getLogger(RequestOpener.class.getName());

    private final ServerConfig config;
    private final ServerStats stats;
    private final ServerClock clock;
    private final ReplayGuard replays;
    /** For each entry of the profile list: how it opens and seals when it is an aead profile, else null. */
    private final SealedDatagrams[] sealing;

    RequestOpener(ServerConfig config, ServerStats stats, int maxSenders) {
        this.config = config;
        this.stats = stats;
        this.clock = config.clock();
        this.replays = new ReplayGuard(Protocol.REPLAY_WINDOW_MILLIS, maxSenders);
        List<SecurityProfile> entries = config.profiles().entries();
        this.sealing = new SealedDatagrams[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).type().isProtected()) {
                sealing[i] = SealedDatagrams.forServer(entries.get(i));
            }
        }
    }

    /** The request in {@code datagram} from {@code sender}, if a profile accepts it; empty (counted) if not. */
    Optional<Request> open(InetSocketAddress sender, ByteBuffer datagram) {
        if (sender.getPort() == 0 || datagram.remaining() > ServerConfig.MAX_REQUEST_SIZE) {
            stats.droppedOther();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a " + datagram.remaining() + "-byte datagram from "
                    + sender + ": from port 0 (no answer can reach it), or longer than " + ServerConfig.MAX_REQUEST_SIZE);
            return Optional.empty();
        }
        Optional<DatagramHeader> header = DatagramHeader.read(datagram);
        if (header.isEmpty()) {
            stats.droppedMalformed();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + sender + ": no valid header");
            return Optional.empty();
        }
        return accept(sender, header.get(), datagram);
    }

    /** The first profile entry that matches and opens the datagram decides; fresh, and decoded. */
    private Optional<Request> accept(InetSocketAddress sender, DatagramHeader header, ByteBuffer datagram) {
        List<SecurityProfile> entries = config.profiles().entries();
        for (int i = 0; i < entries.size(); i++) {
            SecurityProfile candidate = entries.get(i);
            if (!candidate.matches(header, sender.getAddress())) {
                continue;
            }
            if (!candidate.type().isProtected()) {
                return decoded(new Request(sender, candidate, i, null, List.of(), datagram.limit()), datagram);
            }
            Optional<Aead.Opened> opened = sealing[i].open(header, datagram.duplicate());
            if (opened.isPresent()) {
                return fresh(candidate, opened.get(), sender)
                        ? decoded(new Request(sender, candidate, i, opened.get(), List.of(), datagram.limit()),
                        opened.get().payload())
                        : Optional.empty();
            }
        }
        boolean plain = header.signature().isEmpty() || header.signature().equals("p");
        if (plain) {
            stats.droppedNoPermission();
        } else {
            stats.droppedUnauthenticated();
        }
        int version = Aead.versionOf(datagram);
        LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + sender + ": no profile accepts it"
                + (plain || version == Aead.VERSION ? "" : " (not aead version " + Aead.VERSION
                + ": a peer still on version 1 must be upgraded, see docs/aead-profile.md)"));
        return Optional.empty();
    }

    /** The request with its messages, if its profile grants something and they decode. */
    private Optional<Request> decoded(Request request, ByteBuffer payload) {
        if (!request.profile().effectivePermission().canRead()) {
            stats.droppedNoPermission();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + request.sender()
                    + ": its profile grants nothing");
            return Optional.empty();
        }
        Optional<List<Message>> messages = MessageDecoder.decode(payload);
        if (messages.isEmpty()) {
            stats.droppedMalformed();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + request.sender() + ": framing error");
            return Optional.empty();
        }
        return Optional.of(request.withMessages(messages.get()));
    }

    /** Whether an opened datagram is fresh from its authenticated sender; counts and logs it when not. */
    private boolean fresh(SecurityProfile profile, Aead.Opened opened, InetSocketAddress from) {
        ReplayGuard.Verdict verdict = replays.check(profile.id(), opened, clock.epochMillis());
        if (verdict == ReplayGuard.Verdict.FRESH) {
            return true;
        }
        if (verdict == ReplayGuard.Verdict.FULL) {
            stats.droppedTooManySenders();
        } else {
            stats.droppedReplay();
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "dropped a datagram from " + from + ": " + switch (verdict) {
            case STALE -> "its timestamp is more than " + Protocol.REPLAY_WINDOW_MILLIS + " ms from this server's clock";
            case REPLAY -> "a replay (its sender's counter was seen, or is too far behind)";
            default -> "a new sender while " + replays.senders() + " senders are held";
        });
        return false;
    }

    /**
     * A plain datagram (header 00 and messages) sealed with profile entry {@code profileIndex}'s key
     * {@code keyIndex} for {@code recipient}, in reply to its datagram {@code inReplyTo} (0 for a Signal).
     */
    byte[] seal(int profileIndex, int keyIndex, byte[] plainDatagram, long inReplyTo, byte[] recipient) {
        return sealing[profileIndex].sealResponse(plainDatagram, clock.epochMillis(), keyIndex, inReplyTo, recipient);
    }

    /** Forgets the replay windows of senders gone quiet. */
    void sweep() {
        replays.sweep(clock.epochMillis());
    }
}
