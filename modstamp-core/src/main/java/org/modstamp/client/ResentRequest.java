package org.modstamp.client;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.modstamp.wire.Message;

/**
 * A request first sent by the thread that starts it, then resent by its loop every resend timeout until it is
 * answered or its request timeout passes. Only answers to the datagrams it went in count (for an encrypted
 * profile; a plain answer names no request).
 */
abstract class ResentRequest implements Exchange {
    private final ClientChannel channel;
    private final long deadline;
    private final long resendNanos;
    /** The counters of the sealed datagrams that carried this request. */
    private final Set<Long> sent = new HashSet<>();
    private long nextResend;

    ResentRequest(ClientChannel channel, long now) {
        this.channel = channel;
        this.deadline = now + channel.config().requestTimeout().toNanos();
        this.resendNanos = channel.config().resendTimeout().toNanos();
        this.nextResend = now + resendNanos;
    }

    /** What is still unanswered, as messages to send. */
    abstract Collection<Message> unanswered();

    /** Whether the request is answered (or its result was completed by someone else). */
    abstract boolean isDone();

    /** The request timeout passed before it was answered. */
    abstract void timedOut();

    /** The first datagrams of this request, packed (and sealed), to be sent: any thread, before the loop has it. */
    final ClientChannel.Packed packFirst() {
        ClientChannel.Packed packed = channel.pack(unanswered(), null);
        sent.addAll(packed.counters());
        return packed;
    }

    /** Sends what is unanswered. */
    private void send() {
        sent.addAll(channel.send(unanswered()));
    }

    /** Whether a datagram answering {@code inReplyTo} answers this request. */
    final boolean answersThis(long inReplyTo) {
        return inReplyTo == ClientChannel.UNBOUND || sent.contains(inReplyTo);
    }

    @Override
    public final long tick(long now) {
        if (isDone()) {
            return DONE;
        }
        if (now - deadline >= 0) {
            timedOut();
            return DONE;
        }
        if (now - nextResend >= 0) {
            send();
            nextResend = now + resendNanos;
        }
        return Math.min(nextResend, deadline);
    }

    static List<Message> queries(Collection<String> ids) {
        return ids.stream().map(Message::query).toList();
    }
}
