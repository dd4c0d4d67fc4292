package org.modstamp.security;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.modstamp.wire.DatagramHeader;

/**
 * One entry of a security profile list: a profile type, the permission it grants, an optional profile
 * id that the datagram's header must carry, optional hosts (addresses or CIDR ranges) that the sender must
 * be in (none: every sender), and for an encrypted type its keys: one, or two during a rotation (datagrams
 * are sent with the first and accepted with either). {@link #toString} never shows the keys.
 */
public record SecurityProfile(ProfileType type, Permission permission, String id, List<HostPattern> hosts,
                              List<byte[]> keys, IdScope ids) {
    public static final int KEY_BYTES = 32;

    public SecurityProfile {
        if (type == null) {
            throw new IllegalArgumentException("a security profile needs an encryption type");
        }
        permission = permission == null ? Permission.DEFAULT : permission;
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        ids = ids == null ? IdScope.ALL : ids;
        keys = keys == null ? List.of() : keys.stream().map(byte[]::clone).toList();
        if (type == ProfileType.PLAIN && !keys.isEmpty()) {
            throw new IllegalArgumentException("a plain profile has no keys");
        }
        if (type.isProtected()) {
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("an " + type.configName() + " profile needs an id (its key's name)");
            }
            if (keys.isEmpty() || keys.size() > 2) {
                throw new IllegalArgumentException("an " + type.configName()
                        + " profile needs one key, or two during a rotation, not " + keys.size());
            }
            for (byte[] key : keys) {
                if (key.length != KEY_BYTES) {
                    throw new IllegalArgumentException("a key is " + KEY_BYTES + " bytes (base64 of 32 random bytes), not "
                            + key.length);
                }
            }
        }
    }

    public SecurityProfile(ProfileType type, Permission permission, String id, List<HostPattern> hosts) {
        this(type, permission, id, hosts, List.of(), IdScope.ALL);
    }

    public SecurityProfile(ProfileType type, Permission permission, String id, List<HostPattern> hosts,
                           List<byte[]> keys) {
        this(type, permission, id, hosts, keys, IdScope.ALL);
    }

    /** This entry, covering only the ids of {@code scope}. */
    public SecurityProfile withIds(IdScope scope) {
        return new SecurityProfile(type, permission, id, hosts, keys, scope);
    }

    /** An encrypted profile with the given keys (the first is used to send). */
    public static SecurityProfile aead(String id, Permission permission, byte[]... keys) {
        return new SecurityProfile(ProfileType.AEAD, permission, id, List.of(), List.of(keys));
    }

    @Override
    public String toString() {
        return "SecurityProfile[" + type.configName() + ", " + permission.configName()
                + (id == null ? "" : ", id=" + id) + (hosts.isEmpty() ? "" : ", hosts=" + hosts)
                + (ids.coversAll() ? "" : ", ids=" + ids.patterns())
                + (keys.isEmpty() ? "" : ", " + keys.size() + " key(s) redacted") + "]";
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
