package org.modstamp.client;

/** A running listen: ids can be added and removed while it runs; {@link #close} ends it. */
public interface Listening extends AutoCloseable {
    /** Starts listening to {@code id} too, queried at once; {@code lastKnown} null means unknown. */
    void add(String id, String lastKnown);

    /** Stops listening to {@code id}. */
    void remove(String id);

    /** Ends this listen; the client stays open. */
    @Override
    void close();
}
