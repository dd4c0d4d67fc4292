package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.util.List;

import org.modstamp.security.Aead;
import org.modstamp.security.SecurityProfile;
import org.modstamp.wire.Message;

/**
 * A datagram a profile entry accepted: its sender, the entry (and its index in the profile list), how it was
 * opened (null for a plain one), its messages, and its size.
 */
record Request(InetSocketAddress sender, SecurityProfile profile, int profileIndex, Aead.Opened opened,
               List<Message> messages, int length) {
    /** Whether an aead profile authenticated it: such a request cannot be forged or replayed. */
    boolean sealed() {
        return opened != null;
    }

    /** Whether its profile lets it read {@code id}. */
    boolean mayRead(String id) {
        return profile.ids().covers(id);
    }

    /** Whether its profile lets it read every id under {@code prefix} (watch it). */
    boolean mayReadPrefix(String prefix) {
        return profile.ids().coversPrefix(prefix);
    }

    /** Whether its profile lets it change {@code id}. */
    boolean mayWrite(String id) {
        return profile.effectivePermission().canWrite() && profile.ids().covers(id);
    }

    Request withMessages(List<Message> decoded) {
        return new Request(sender, profile, profileIndex, opened, decoded, length);
    }
}
