package org.modstamp.client;

import java.time.Duration;

/**
 * What a listener is told. Called on the client's thread: keep it short, or hand the work on; blocking
 * calls of the same client ({@code push}, {@code get}) from here are refused, as they would deadlock.
 */
@FunctionalInterface
public interface ChangeHandler {
    /** {@code id} changed to {@code value} (null when the id was deleted). */
    void onChange(String id, String value);

    /**
     * As {@link #onChange(String, String)}, with the value known before ({@code null} when it was unknown or
     * deleted). The client calls this one; override it to see the previous value.
     */
    default void onChange(String id, String previousValue, String value) {
        onChange(id, value);
    }

    /** Nothing has come from the server for {@code silence}; listening goes on and queries keep going. */
    default void onNoResponse(Duration silence) {
    }

    /** The server answers again after {@link #onNoResponse}. */
    default void onResponseResumed() {
    }

    /** The client was closed (or failed) while this listen was running: no more changes will come. */
    default void onClosed() {
    }
}
