package org.modstamp.client;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** A running listen: ids can be added and removed while it runs; {@link #close} ends it. */
public interface Listening extends AutoCloseable {
    /** Starts listening to {@code id} too, queried at once; {@code lastKnown} null means unknown. */
    void add(String id, String lastKnown);

    /** Stops listening to {@code id}. */
    void remove(String id);

    /**
     * What this listen knows, by id: the last value heard, {@code ""} for an id that has none, null where
     * nothing was heard yet. A new listen started from it resumes where this one stopped: a change made in
     * between is reported as a change. Any thread may call it, also after the listen or its client ended.
     */
    java.util.Map<String, String> lastKnown();

    /**
     * Completes when every id listened to has had its first Reply from the server: the server has registered
     * the listen, and every change from then on is seen. An id {@link #add added} before it completes is
     * waited for too; one added later is waited for by the stage asked for after adding it. Fails with
     * {@link IllegalStateException} when the listen or its client ends first.
     */
    CompletionStage<Void> ready();

    /**
     * Waits at most {@code timeout} for {@link #ready}: true when ready, false when the time passed first.
     * Throws {@link IllegalStateException} when the listen or its client ended first.
     */
    default boolean awaitReady(Duration timeout) throws InterruptedException {
        return Readiness.await(ready(), timeout, "the listen");
    }

    /** Ends this listen; the client stays open. */
    @Override
    void close();
}
