package org.modstamp.security;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.modstamp.wire.DatagramHeader;

/**
 * One entry of a security profile list: a profile type, the permission it grants, an optional profile
 * id that the datagram's header must carry, and optional hosts (addresses or CIDR ranges) that the
 * sender must be in. An empty host list matches every sender.
 */
public record SecurityProfile(ProfileType type, Permission permission, String id, List<HostPattern> hosts) {

    public SecurityProfile {
        if (type == null) {
            throw new IllegalArgumentException("a security profile needs an encryption type");
        }
        permission = permission == null ? Permission.DEFAULT : permission;
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    public static SecurityProfile plain(Permission permission, String... hosts) {
        return new SecurityProfile(ProfileType.PLAIN, permission, null,
                List.of(hosts).stream().map(HostPattern::parse).toList());
    }

    /** The profile id the header must carry, if the profile has one. */
    public Optional<String> profileId() {
        return Optional.ofNullable(id);
    }

    /** The permission granted, with {@link Permission#DEFAULT} resolved for this profile's type. */
    public Permission effectivePermission() {
        if (permission != Permission.DEFAULT) {
            return permission;
        }
        return type.isProtected() ? Permission.READ_WRITE : Permission.READ_ONLY;
    }

    /** Whether this profile's type, id and hosts match a datagram with this header from this sender. */
    public boolean matches(DatagramHeader header, InetAddress sender) {
        if (!type.acceptsSignature(header.signature())) {
            return false;
        }
        if (id != null && !id.equals(header.profileId())) {
            return false;
        }
        return matchesHost(sender);
    }

    /** Whether the hosts of this profile include {@code address} (true when it has no hosts). */
    public boolean matchesHost(InetAddress address) {
        if (hosts.isEmpty()) {
            return true;
        }
        for (HostPattern host : hosts) {
            if (host.matches(address)) {
                return true;
            }
        }
        return false;
    }
}
