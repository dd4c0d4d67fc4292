package org.modstamp.client;

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

    /** Ends this listen; the client stays open. */
    @Override
    void close();
}
