package org.modstamp.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.modstamp.wire.Message;
import org.modstamp.wire.MessageType;

/**
 * A push: its Changes resent until each has its M with the same value, or the request timeout passes. The
 * result holds the ids confirmed (all of them, or those confirmed by the timeout).
 */
final class PushRequest extends ResentRequest {
    private final Map<String, byte[]> pending;
    private final Map<String, String> confirmed = new LinkedHashMap<>();
    private final CompletableFuture<Map<String, String>> result;

    /** Not sent yet: the thread that starts it sends its first datagrams ({@link #packFirst}). */
    PushRequest(ClientChannel channel, Map<String, byte[]> changes, CompletableFuture<Map<String, String>> result,
                long now) {
        super(channel, now);
        this.pending = new LinkedHashMap<>(changes);
        this.result = result;
    }

    @Override
    Collection<Message> unanswered() {
        List<Message> changes = new ArrayList<>(pending.size());
        pending.forEach((id, value) -> changes.add(Message.change(id, value)));
        return changes;
    }

    @Override
    boolean isDone() {
        return result.isDone();
    }

    @Override
    void timedOut() {
        result.complete(Collections.unmodifiableMap(new LinkedHashMap<>(confirmed)));
    }

    @Override
    public void received(Message m, long inReplyTo) {
        if (m.type() != MessageType.MODIFIED || !answersThis(inReplyTo)) {
            return; // not an M, or an M to another request (an earlier push of the same value, say)
        }
        byte[] wanted = pending.get(m.id());
        if (wanted != null && Arrays.equals(wanted, m.value())) {
            pending.remove(m.id());
            confirmed.put(m.id(), Values.decode(m.value()));
            if (pending.isEmpty()) {
                result.complete(Collections.unmodifiableMap(confirmed));
            }
        }
    }
}
