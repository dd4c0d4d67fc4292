package org.modstamp.ra.api;

import java.util.Collection;
import java.util.Map;

/** A connection to a modstamp server through the resource adapter's socket. Close it after use. */
public interface ModstampConnection extends AutoCloseable {
    /**
     * Sets each id to its value (null or "" deletes) and waits until the server confirmed them or the
     * request timeout passed; returns the confirmed ids and values.
     */
    Map<String, String> push(Map<String, String> changes);

    /** The current value of each id (null where it has none); fails when the server does not answer. */
    Map<String, String> get(Collection<String> ids);

    @Override
    void close();
}
