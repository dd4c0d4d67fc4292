package org.modstamp.wire;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The values of the watch extension (a listener told of every change of an id under a prefix, with the revision
 * that orders it, and of what it missed since the last position it had). A position is 16 bytes, big-endian: the
 * store's epoch (8 bytes, never 0; it changes when the store is reset) and a revision (8 bytes; the store's
 * count of changes, increasing). A {@link MessageType#WATCH} carries the prefix and the position the watcher has
 * ({@link Position#NOW}, all zeros, for none: "from now on"); a {@link MessageType#CHANGED} carries the id, its
 * value and the change's revision (8 bytes); a {@link MessageType#WATCHED} carries the prefix, the position the
 * watcher has after the CHANGEDs that came before it, and a byte of flags: {@link #RESET} (the position asked
 * for is of another epoch, or older than what the server holds: what is cached under the prefix must be thrown
 * away) and {@link #MORE} (there is more to catch up: ask again from the position given, at once).
 */
public final class Watches {
    public static final int POSITION_LENGTH = 16;
    public static final int REVISION_LENGTH = 8;
    /** The flag of a WATCHED that says: your position could not be caught up from, start again from this one. */
    public static final int RESET = 0x01;
    /** The flag of a WATCHED that says: the catch-up was cut, ask again from this position. */
    public static final int MORE = 0x02;

    private Watches() {
    }

    /** Where a watcher is: every change under its prefix up to {@code revision} of {@code epoch} is known to it. */
    public record Position(long epoch, long revision) {
        /** No position: a new watcher, told of changes from now on. */
        public static final Position NOW = new Position(0, 0);

        public boolean isNow() {
            return epoch == 0;
        }

        /** As text: the epoch in 16 hex digits, a colon, the revision ({@code 0102030405060708:5}). */
        public String text() {
            return String.format("%016x:%d", epoch, revision);
        }

        /** The position of {@link #text}; IllegalArgumentException naming the form when it is not one. */
        public static Position parse(String text) {
            int colon = text.indexOf(':');
            try {
                if (colon < 0) {
                    throw new NumberFormatException("no colon");
                }
                return new Position(Long.parseUnsignedLong(text.substring(0, colon), 16),
                        Long.parseLong(text.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a position is EPOCH:REVISION (16 hex digits, a colon, a number), "
                        + "not '" + text + "'");
            }
        }
    }

    /** What a CHANGED says: {@code id} changed to {@code value} (empty: deleted) at {@code revision}. */
    public record Changed(String id, byte[] value, long revision) {
    }

    /** What a WATCHED says. */
    public record Watched(String prefix, Position position, boolean reset, boolean more) {
    }

    /** A WATCH of {@code prefix} (a valid id: every id that starts with it) from {@code from}. */
    public static Message watch(String prefix, Position from) {
        return new Message(MessageType.WATCH, prefix, position(from, 0).array());
    }

    /** The position of a WATCH; empty when its value is not 16 bytes (such a WATCH is ignored). */
    public static Optional<Position> position(Message watch) {
        byte[] value = watch.value();
        if (watch.type() != MessageType.WATCH || value.length != POSITION_LENGTH) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        return Optional.of(new Position(in.getLong(), in.getLong()));
    }

    /** The CHANGED of {@code id} to {@code value} at {@code revision}. */
    public static Message changed(String id, byte[] value, long revision) {
        return new Message(MessageType.CHANGED, id, value,
                ByteBuffer.allocate(REVISION_LENGTH).putLong(revision).array());
    }

    /** What a CHANGED says; empty when it is not one or its revision is not 8 bytes. */
    public static Optional<Changed> changed(Message m) {
        byte[] revision = m.extra();
        if (m.type() != MessageType.CHANGED || revision.length != REVISION_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(new Changed(m.id(), m.value(), ByteBuffer.wrap(revision).getLong()));
    }

    /** The WATCHED answer for {@code prefix}: the watcher is at {@code at}; {@code flags} of {@link #RESET}, {@link #MORE}. */
    public static Message watched(String prefix, Position at, int flags) {
        return new Message(MessageType.WATCHED, prefix, position(at, 1).put((byte) flags).array());
    }

    /** What a WATCHED says; empty when it is not one or its value is not 17 bytes. */
    public static Optional<Watched> watched(Message m) {
        byte[] value = m.value();
        if (m.type() != MessageType.WATCHED || value.length != POSITION_LENGTH + 1) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        Position at = new Position(in.getLong(), in.getLong());
        int flags = in.get();
        return Optional.of(new Watched(m.id(), at, (flags & RESET) != 0, (flags & MORE) != 0));
    }

    /** {@code p} in a buffer with room for {@code more} bytes after it. */
    private static ByteBuffer position(Position p, int more) {
        return ByteBuffer.allocate(POSITION_LENGTH + more).putLong(p.epoch()).putLong(p.revision());
    }
}
