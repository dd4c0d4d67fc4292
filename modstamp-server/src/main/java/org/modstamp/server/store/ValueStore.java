package org.modstamp.server.store;

import java.util.Map;

import org.modstamp.wire.Watches;

/**
 * Where the current value of each id lives. Values are raw bytes; an empty array means "no value".
 * {@link #get} is called for every Query and must be cheap; {@link #putAll} stores a group of changes
 * durably (for a durable store) before it returns, all or none. Every change stored takes the next revision
 * (the store's count of changes, kept with the values), in the order of the map; the revisions of a store are
 * those of its {@link #position() epoch}, which a new store draws at random.
 */
public interface ValueStore extends AutoCloseable {
    byte[] NONE = new byte[0];

    /** The current value of {@code id}, {@link #NONE} when it has none. */
    byte[] get(String id);

    /**
     * Stores every change (an empty value deletes the id), durable when this returns normally; returns the
     * revision of the last one (the first one's is that minus the number of changes, plus one).
     */
    long putAll(Map<String, byte[]> changes) throws StoreException;

    /** The store's epoch and the revision of its last change (0 before the first). */
    Watches.Position position();

    /** Number of ids with a value. */
    int size();

    /** Throws when the store cannot take changes now (for readiness checks); any thread may call it. */
    default void checkReachable() throws StoreException {
    }

    /** Calls {@code action} with every id that has a value (in no particular order). */
    void forEach(java.util.function.BiConsumer<String, byte[]> action);

    @Override
    void close();
}
