package org.modstamp.security;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.modstamp.wire.DatagramHeader;

/** An ordered list of security profiles; the first entry that matches a datagram decides. */
public record SecurityProfiles(List<SecurityProfile> entries) {

    public SecurityProfiles {
        entries = List.copyOf(entries);
    }

    /** The server default: rw for loopback senders (127.0.0.1 and ::1), ro for everyone else. */
    public static SecurityProfiles serverDefault() {
        return new SecurityProfiles(List.of(
                SecurityProfile.plain(Permission.READ_WRITE, "127.0.0.1", "::1"),
                SecurityProfile.plain(Permission.READ_ONLY)));
    }

    /** The profile that decides about a datagram with this header from this sender, if any matches. */
    public Optional<SecurityProfile> match(DatagramHeader header, InetAddress sender) {
        for (SecurityProfile profile : entries) {
            if (profile.matches(header, sender)) {
                return Optional.of(profile);
            }
        }
        return Optional.empty();
    }

    /** The permission of a datagram: that of the first matching profile, {@link Permission#NONE} if none. */
    public Permission permissionFor(DatagramHeader header, InetAddress sender) {
        return match(header, sender).map(SecurityProfile::effectivePermission).orElse(Permission.NONE);
    }
}
