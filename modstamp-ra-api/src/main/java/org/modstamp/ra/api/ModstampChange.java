package org.modstamp.ra.api;

import java.io.Serializable;
import java.time.Instant;

/**
 * A change of one id, as a listener receives it; or, for a watched prefix ({@code modstamps} entry
 * {@code jpa.Order.*}), a reset: the changes under the prefix since the bean's last position cannot be told (the
 * server's store is another one, or they are older than its log), so whatever the bean derived from those ids
 * must be thrown away or read again. A reset has {@link #reset()} true, the watched pattern as its id (ending with
 * {@code *}, which no id does) and no value.
 *
 * @param id            the id that changed; for a reset, the watched pattern ({@code jpa.Order.*})
 * @param value         its new value, null when it was deleted (and for a reset)
 * @param previousValue the value known before, null when it was unknown or deleted (always null under a watched
 *                      prefix: the adapter keeps no value per id there)
 * @param server        the server that told us, as "host:port"
 * @param receivedAt    when the adapter received the change
 * @param revision      the change's revision under a watched prefix (the store's count of changes; for a reset,
 *                      the position watched from now on); -1 for an id listened to by name
 * @param reset         whether this is a reset of a watched prefix rather than a change
 */
public record ModstampChange(String id, String value, String previousValue, String server, Instant receivedAt,
                             long revision, boolean reset) implements Serializable {
    /** A change of an id listened to by name (no revision). */
    public ModstampChange(String id, String value, String previousValue, String server, Instant receivedAt) {
        this(id, value, previousValue, server, receivedAt, -1, false);
    }

    /** The reset of the watched {@code pattern} ({@code prefix*}), from {@code revision} on. */
    public static ModstampChange reset(String pattern, String server, Instant receivedAt, long revision) {
        return new ModstampChange(pattern, null, null, server, receivedAt, revision, true);
    }

    /** The watched prefix this change or reset falls under, for a pattern the bean watches ({@code jpa.Order.*}). */
    public boolean isUnder(String pattern) {
        String prefix = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        return reset ? id.equals(pattern) : id.startsWith(prefix);
    }
}
