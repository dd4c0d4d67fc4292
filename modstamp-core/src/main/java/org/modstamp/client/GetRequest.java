package org.modstamp.client;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.modstamp.wire.Message;
import org.modstamp.wire.MessageType;

/**
 * A get, one query round: Queries resent until every id has its Reply, or the request timeout passes (then
 * the result fails with {@link ModstampTimeoutException}).
 */
final class GetRequest extends ResentRequest {
    private final Set<String> pending;
    private final int asked;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final CompletableFuture<Map<String, String>> result;
    private final ClientChannel channel;

    /** Not sent yet: the thread that starts it sends its first datagrams ({@link #packFirst}). */
    GetRequest(ClientChannel channel, Set<String> ids, CompletableFuture<Map<String, String>> result, long now) {
        super(channel, now);
        this.channel = channel;
        this.pending = new LinkedHashSet<>(ids);
        this.asked = ids.size();
        this.result = result;
    }

    @Override
    Collection<Message> unanswered() {
        return queries(pending);
    }

    @Override
    boolean isDone() {
        return result.isDone();
    }

    @Override
    void timedOut() {
        result.completeExceptionally(new ModstampTimeoutException("no Reply from " + channel.server() + " within "
                + channel.config().requestTimeout().toMillis() + " ms for " + pending.size() + " of " + asked
                + " id(s), such as " + pending.stream().limit(5).toList()));
    }

    @Override
    public void received(Message m, long inReplyTo) {
        if (m.type() != MessageType.REPLY || !answersThis(inReplyTo)) {
            return;
        }
        if (pending.remove(m.id())) {
            values.put(m.id(), Values.decode(m.value()));
            if (pending.isEmpty()) {
                result.complete(Collections.unmodifiableMap(values));
            }
        }
    }
}
