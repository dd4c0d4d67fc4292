package org.modstamp.net;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * IP addresses as the protocol counts them: an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, as a
 * dual-stack socket reports an IPv4 peer) is the IPv4 address it maps.
 */
public final class Addresses {
    private static final int MAPPED_PREFIX = 12;

    private Addresses() {
    }

    /** The address bytes: 4 for IPv4 and IPv4-mapped IPv6 addresses, else 16. */
    public static byte[] normalized(InetAddress address) {
        byte[] bytes = address.getAddress();
        return isIpv4Mapped(bytes) ? Arrays.copyOfRange(bytes, MAPPED_PREFIX, 16) : bytes;
    }

    /** Whether {@code address} is an IPv4 address, or an IPv6 address that maps one. */
    public static boolean isIpv4(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 || isIpv4Mapped(bytes);
    }

    /** Whether {@code a} and {@code b} are the same host (an IPv4 address and its mapped form are). */
    public static boolean sameHost(InetAddress a, InetAddress b) {
        return Arrays.equals(normalized(a), normalized(b));
    }

    private static boolean isIpv4Mapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }
}
