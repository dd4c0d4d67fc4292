package org.modstamp.server.engine;

import java.util.List;

import org.modstamp.protocol.SealedDatagrams;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.wire.DatagramPacker;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageType;

/**
 * What goes back to the sender of one request: the Replies to its Queries and the Modifieds of its Changes, in
 * the order of its messages, packed up to {@code maxPacketSize} and sealed for a sealed sender. Replies to an
 * unauthenticated sender (whose address may be forged) are metered: at most its request's reply budget
 * (amplification), and its network's reply credit. Modifieds never are (an M is the size of its C: it amplifies
 * nothing), so a budget never costs a writer its confirmation: a datagram the credit cannot pay goes out with its
 * Modifieds alone. Replies given before a change of their datagram is signalled leave before that Signal
 * ({@link #flushAnswers}), so no listener reads an older value after a newer one. A datagram of Modifieds only is
 * a confirmation, which the transport sends ahead of the Signals a congested socket still holds.
 */
final class Replies {
    private final Request request;
    private final ServerStats stats;
    private final RequestOpener sealer;
    /** The reply credit of the sender's network; null for a sealed sender (not metered). */
    private final double[] credit;
    private final int budget;
    private final DatagramPacker packer;
    private int answeredBytes = 1;
    private boolean holdsAnswers;

    Replies(Request request, ServerConfig config, ServerStats stats, RequestOpener sealer, double[] credit) {
        this.request = request;
        this.stats = stats;
        this.sealer = sealer;
        this.credit = credit;
        this.budget = request.sealed() ? Integer.MAX_VALUE : config.limits().replyBudget(request.length());
        this.packer = SealedDatagrams.packer(request.profile(), config.maxPacketSize());
    }

    /** A Reply to a Query (or a probe's OBSERVED); left out (counted) past the request's budget: the client asks again. */
    void answer(Message reply) {
        answeredBytes += reply.encodedLength();
        if (answeredBytes > budget) {
            stats.replyCut();
            return;
        }
        packer.add(reply);
        holdsAnswers = true;
    }

    /** Whether answers of {@code bytes} more fit in the request's reply budget. */
    boolean hasRoom(int bytes) {
        return answeredBytes + bytes <= budget;
    }

    /** The Modified of a Change. */
    void confirm(Message modified) {
        packer.add(modified);
    }

    /** Puts the Replies given so far on their way (with the Modifieds packed among them). */
    void flushAnswers(Batch batch) {
        if (holdsAnswers) {
            finish(batch);
        }
    }

    /**
     * Takes {@code bytes} of the network's reply credit now, for answers sent later (the delayed answers of a
     * mapping probe); false (nothing taken) when the credit is short. A sealed sender is not metered.
     */
    boolean reserve(int bytes) {
        return credit == null || ReplyRateLimiter.spend(credit, bytes);
    }

    /** Puts everything on its way; a datagram with Replies is paid from the network's credit when unauthenticated. */
    void finish(Batch batch) {
        holdsAnswers = false;
        for (List<Message> datagram : packer.drainMessages()) {
            if (credit == null || !hasReply(datagram)) {
                send(datagram, batch);
                continue;
            }
            byte[] bytes = packer.encode(datagram);
            if (ReplyRateLimiter.spend(credit, bytes.length)) {
                send(bytes, false, batch);
                continue;
            }
            stats.replyRateLimited();
            List<Message> modifieds = datagram.stream().filter(m -> !isAnswer(m)).toList();
            if (!modifieds.isEmpty()) {
                send(modifieds, batch);
            }
        }
    }

    private static boolean hasReply(List<Message> datagram) {
        for (Message message : datagram) {
            if (isAnswer(message)) {
                return true;
            }
        }
        return false;
    }

    /** A Reply, the OBSERVED answer to a mapping probe, a watch's catch-up: what the reply credit pays for. */
    private static boolean isAnswer(Message message) {
        MessageType type = message.type();
        return type == MessageType.REPLY || type == MessageType.OBSERVED || type == MessageType.CHANGED
                || type == MessageType.WATCHED;
    }

    private void send(List<Message> datagram, Batch batch) {
        send(packer.encode(datagram), onlyModifieds(datagram), batch);
    }

    private static boolean onlyModifieds(List<Message> datagram) {
        for (Message message : datagram) {
            if (message.type() != MessageType.MODIFIED) {
                return false;
            }
        }
        return true;
    }

    /** A confirmation (Modifieds only) may leave ahead of the Signals its socket has queued: see OutgoingDatagram. */
    private void send(byte[] bytes, boolean confirmation, Batch batch) {
        batch.outgoing.add(new OutgoingDatagram(request.sender(), request.sealed()
                ? sealer.seal(request.profileIndex(), request.opened().keyIndex(), bytes, request.opened().counter(),
                request.opened().sender())
                : bytes, confirmation));
    }
}
