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
     * What was heard: changes in the store's order, {@code revision} the last one's (-1: not known), or (with
     * {@code snapshot}) every value the store holds, taken each time the subscription starts, so that what was
     * missed is caught up (an id missing from a snapshot has been deleted), with every change up to
     * {@code revision} in it; {@code epoch} the revisions' epoch (0: not known).
     */
    record Heard(Map<String, byte[]> values, boolean snapshot, long revision, long epoch) {
    }

    /** The store's revisions are now of {@code epoch} (its count was lost and begun again): engine thread. */
    void adoptEpoch(long epoch);

    /** Starts hearing changes; {@code heard} is called on a thread from {@code threads}. */
    void onChanges(Consumer<Heard> heard, ThreadFactory threads);

    /** Takes a change heard from the store into the local copy (engine thread); nothing is written. */
    void applyHeard(String id, byte[] value);
}
