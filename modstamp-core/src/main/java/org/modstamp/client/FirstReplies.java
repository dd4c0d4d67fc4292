package org.modstamp.client;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Which ids of a listen still wait for their first Reply, and the stage that completes when none does (what
 * {@link Listening#ready} returns). An id added while none waits starts a new stage. Thread-safe: callers add
 * ids on their own thread, Replies come on the loop.
 */
final class FirstReplies {
    private final Set<String> waiting = new HashSet<>();
    private CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
    private RuntimeException ended;

    /** {@code id} waits for its first Reply. */
    synchronized void expect(String id) {
        if (ended == null && waiting.add(id) && ready.isDone()) {
            ready = new CompletableFuture<>();
        }
    }

    /** {@code id} had a Reply, or is no longer listened to. */
    void answered(String id) {
        CompletableFuture<Void> done;
        synchronized (this) {
            if (!waiting.remove(id) || !waiting.isEmpty()) {
                return;
            }
            done = ready;
        }
        done.complete(null); // outside the lock: what waits on it runs here
    }

    /** The listen ended: what waits fails with {@code cause}, and so does every stage asked for later. */
    void ended(RuntimeException cause) {
        CompletableFuture<Void> pending;
        synchronized (this) {
            if (ended != null) {
                return;
            }
            ended = cause;
            waiting.clear();
            pending = ready;
            if (ready.isDone()) {
                ready = CompletableFuture.failedFuture(cause);
            }
        }
        pending.completeExceptionally(cause);
    }

    synchronized CompletionStage<Void> stage() {
        return ready.minimalCompletionStage();
    }
}
