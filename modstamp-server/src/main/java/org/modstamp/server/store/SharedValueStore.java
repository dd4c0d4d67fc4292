package org.modstamp.server.store;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * A value store that several server instances share: each instance keeps the values in memory for its
 * Queries, and hears of the changes every instance makes (its own included, in the order the store applied
 * them), so that it can signal its own listeners.
 */
public interface SharedValueStore extends ValueStore {
    /**
     * Starts hearing changes; {@code changes} is called on a thread from {@code threads}, in the store's
     * order, also with the differences found after a lost connection came back.
     */
    void onChanges(Consumer<Map<String, byte[]>> changes, ThreadFactory threads);

    /** Takes a change heard from the store into the local copy (engine thread); nothing is written. */
    void applyHeard(String id, byte[] value);
}
