package org.modstamp.client;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.modstamp.wire.Watches;

/** A running watch of a prefix; {@link #close} ends it. */
public interface Watching extends AutoCloseable {
    /** The prefix watched. */
    String prefix();

    /**
     * The position the watch has: every change under the prefix up to it has been told (or is older than a
     * reset). A watch started from it later (after a restart) is told what changed meanwhile, or reset. Any
     * thread; {@link Watches.Position#NOW} until the server first answered.
     */
    Watches.Position position();

    /** Completes at the server's first answer: the watch is registered, and every change from then on is told. */
    CompletionStage<Void> ready();

    /** Waits at most {@code timeout} for {@link #ready}: true when ready, false when the time passed first. */
    default boolean awaitReady(Duration timeout) throws InterruptedException {
        return Readiness.await(ready(), timeout, "the watch");
    }

    /** Ends this watch; the client stays open. */
    @Override
    void close();
}
