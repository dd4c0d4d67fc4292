package org.modstamp.client;

import org.modstamp.wire.Message;

/**
 * What the client loop runs for an operation (a push, a get, a listen): it is told every message from the
 * server and ticked on its timers. Called on the loop only.
 */
interface Exchange {
    /** What {@link #tick} returns when the exchange is over: the loop forgets it. */
    long DONE = -1;

    /** Sends what is due at {@code now} (System.nanoTime); returns when it is next due, or {@link #DONE}. */
    long tick(long now);

    /**
     * One message from the server, of a datagram answering request {@code inReplyTo} (0 for none, a Signal;
     * {@link ClientChannel#UNBOUND} for a plain datagram, which names none).
     */
    void received(Message message, long inReplyTo);
}
