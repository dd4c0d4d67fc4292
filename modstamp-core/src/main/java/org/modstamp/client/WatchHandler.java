package org.modstamp.client;

import org.modstamp.wire.Watches;

/**
 * What a watcher of a prefix is told. Called on the client's thread: keep it short, or hand the work on; blocking
 * calls of the same client from here are refused, as they would deadlock.
 */
public interface WatchHandler {
    /**
     * {@code id}, under the watched prefix, changed to {@code value} (null: deleted) at {@code revision}. A change
     * missed while away (a lost datagram, a restart of the watcher) comes as the latest change of its id, when
     * the watch catches up; a change may rarely be told twice (after a lost answer), never out of date.
     */
    void onChange(String id, String value, long revision);

    /**
     * The changes since the position the watch had cannot be told (the server's store is another one, or they
     * are older than what the server keeps): whatever was derived from the ids under the prefix must be thrown
     * away or read again. The watch goes on from {@code now}.
     */
    void onReset(Watches.Position now);

    /** The client was closed (or failed) while this watch was running: no more changes will come. */
    default void onClosed() {
    }
}
