package org.modstamp.server.store;

import java.util.Map;

/**
 * Where the current value of each id lives. Values are raw bytes; an empty array means "no value".
 * {@link #get} is called for every Query and must be cheap; {@link #putAll} stores a group of changes
 * durably (for a durable store) before it returns, all or none.
 */
public interface ValueStore extends AutoCloseable {
    byte[] NONE = new byte[0];

    /** The current value of {@code id}, {@link #NONE} when it has none. */
    byte[] get(String id);

    /** Stores every change (an empty value deletes the id); durable when this returns normally. */
    void putAll(Map<String, byte[]> changes) throws StoreException;

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
