package org.modstamp.wire;

/**
 * The five messages of the protocol, the two of the mapping-probe extension, the three of the watch extension and
 * the two of the summary keep-alive, with their one-byte descriptor and their argument count.
 */
public enum MessageType {
    /** client to server: "tell me the value of id, and tell me when it changes" (id). */
    QUERY('Q', 1),
    /** server to client: the current value (id, value). */
    REPLY('R', 2),
    /** client to server: "set id to value"; an empty value deletes (id, value). */
    CHANGE('C', 2),
    /** server to client: the change was stored, an echo of the C (id, value). */
    MODIFIED('M', 2),
    /** server to listener: id changed to value (id, value). */
    SIGNAL('S', 2),
    /**
     * Extension, client to server: "where do you see me, and tell me again after this delay" (token, delay: see
     * {@link MappingProbe}). A libmodstamp server skips it, as it skips every unknown descriptor.
     */
    PROBE('P', 2),
    /** Extension, server to client: the source address and port a PROBE came from (token, address: {@link MappingProbe}). */
    OBSERVED('O', 2),
    /**
     * Extension, client to server: "tell me every change of an id under this prefix, and what I missed since this
     * position" (prefix, position: see {@link Watches}).
     */
    WATCH('W', 2),
    /** Extension, server to watcher: an id under a watched prefix changed (id, value, revision: {@link Watches}). */
    CHANGED('N', 3),
    /** Extension, server to watcher: the answer to a WATCH (prefix, position and flags: {@link Watches}). */
    WATCHED('H', 2),
    /**
     * Extension, client to server: "the Queries after me in this datagram make up my set" or "renew my set if we
     * agree on its summary" (set, summary: see {@link Summaries}).
     */
    KEEP('K', 2),
    /** Extension, server to client: the answer to a KEEP (set, summary and flags: {@link Summaries}). */
    KEPT('U', 2);

    private static final MessageType[] BY_DESCRIPTOR = new MessageType[256];

    static {
        for (MessageType type : values()) {
            BY_DESCRIPTOR[type.descriptor] = type;
        }
    }

    private final byte descriptor;
    private final int argc;

    MessageType(char descriptor, int argc) {
        this.descriptor = (byte) descriptor;
        this.argc = argc;
    }

    public byte descriptor() {
        return descriptor;
    }

    /** Number of arguments on the wire: 1 for a Query, 3 for a CHANGED, 2 (id, value) for the others. */
    public int argc() {
        return argc;
    }

    public boolean hasValue() {
        return argc >= 2;
    }

    /** The type whose descriptor is {@code b} (case-sensitive), or null. */
    static MessageType lookup(int b) {
        return BY_DESCRIPTOR[b & 0xFF];
    }
}
