package org.modstamp.protocol;

/** The figures of the protocol that clients and servers share (docs/protocol.md, docs/aead-profile.md). */
public final class Protocol {
    /** The port of the modstamp protocol, where an address names none. */
    public static final int DEFAULT_PORT = 1415;
    /**
     * How far the sealed timestamp of an encrypted datagram may be from the receiver's clock; also how long a
     * client takes a response to one of its requests.
     */
    public static final long REPLAY_WINDOW_MILLIS = 30_000;
    /** The largest request a server reads (longer ones are dropped as truncated). */
    public static final int MAX_REQUEST_SIZE = 8191;

    private Protocol() {
    }
}
