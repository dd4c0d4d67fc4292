package org.modstamp.client;

import java.time.Instant;

/**
 * The CDI event of a change, fired by a {@link ModstampEventBridge} with the qualifier {@link Modstamp}
 * of its id.
 *
 * @param id            the id that changed
 * @param value         its new value, null when deleted
 * @param previousValue the value known before, null when unknown or deleted
 * @param server        the server that told us, "host:port"
 * @param receivedAt    when the adapter received it
 */
public record ModstampChanged(String id, String value, String previousValue, String server, Instant receivedAt) {
}
