package org.modstamp.server.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The effects of a group of datagrams handled together: the changes to make durable, and the
 * datagrams to send once they are. Later datagrams of a batch see the changes of earlier ones.
 * Whoever put a change in (an operator, not a datagram) can wait for the outcome of this batch alone.
 */
public final class Batch {
    final Map<String, byte[]> changes = new LinkedHashMap<>();
    /** Where each change came from: a sender's address, or what made it. */
    final Map<String, ChangeSource> sources = new LinkedHashMap<>();
    final List<OutgoingDatagram> outgoing = new ArrayList<>();
    /** Told when this batch is completed: done when its changes are durable, failed when they are not. */
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();

    public boolean isEmpty() {
        return changes.isEmpty() && outgoing.isEmpty() && waiting.isEmpty();
    }

    /** The outcome of this batch, as it is now: settled when {@link DatagramHandler#complete} takes it. */
    CompletableFuture<Void> outcome() {
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        waiting.add(outcome);
        return outcome;
    }

    /** Settles every outcome handed out: done when {@code failure} is null, else failed with it. */
    void settle(Exception failure) {
        for (CompletableFuture<Void> outcome : waiting) {
            if (failure == null) {
                outcome.complete(null);
            } else {
                outcome.completeExceptionally(failure);
            }
        }
        waiting.clear();
    }

    void clear() {
        changes.clear();
        sources.clear();
        outgoing.clear();
    }
}
