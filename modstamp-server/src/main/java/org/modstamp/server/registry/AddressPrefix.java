package org.modstamp.server.registry;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import org.modstamp.net.Addresses;

/**
 * The network an address is counted by: its IPv4 /{@code ipv4Bits} (IPv4-mapped IPv6 addresses too) or its
 * IPv6 /{@code ipv6Bits} (at most 64), as a {@code long}. IPv4 and IPv6 prefixes are told apart by
 * {@link #isIpv4}, not by the value: keep them in separate tables.
 */
public record AddressPrefix(int ipv4Bits, int ipv6Bits) {
    public AddressPrefix {
        if (ipv4Bits < 1 || ipv4Bits > 32 || ipv6Bits < 1 || ipv6Bits > 64) {
            throw new IllegalArgumentException("prefixes are IPv4 /1../32 and IPv6 /1../64, not /" + ipv4Bits
                    + " and /" + ipv6Bits);
        }
    }

    /** Whether {@code address} is counted by its IPv4 prefix ({@link Addresses#isIpv4}). */
    public static boolean isIpv4(InetAddress address) {
        return Addresses.isIpv4(address);
    }

    /** The prefix of {@code address}. */
    public long of(InetAddress address) {
        byte[] b = Addresses.normalized(address);
        if (b.length == 4) {
            long ip = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
            return ip >>> (32 - ipv4Bits);
        }
        return ByteBuffer.wrap(b).getLong() >>> (64 - ipv6Bits);
    }
}
