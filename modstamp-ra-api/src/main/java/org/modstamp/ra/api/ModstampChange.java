package org.modstamp.ra.api;

import java.io.Serializable;
import java.time.Instant;

/**
 * A change of one id, as a listener receives it.
 *
 * @param id            the id that changed
 * @param value         its new value, null when it was deleted
 * @param previousValue the value known before, null when it was unknown or deleted
 * @param server        the server that told us, as "host:port"
 * @param receivedAt    when the adapter received the change
 */
public record ModstampChange(String id, String value, String previousValue, String server, Instant receivedAt)
        implements Serializable {
}
