package org.modstamp.client;

import java.time.Duration;

/**
 * What a listener is told. Called on the client's thread: keep it short, or hand the work on.
 */
@FunctionalInterface
public interface ChangeHandler {
    /** {@code id} changed to {@code value} (null when the id was deleted). */
    void onChange(String id, String value);

    /** Nothing has come from the server for {@code silence}; listening goes on and queries keep going. */
    default void onNoResponse(Duration silence) {
    }

    /** The server answers again after {@link #onNoResponse}. */
    default void onResponseResumed() {
    }
}
