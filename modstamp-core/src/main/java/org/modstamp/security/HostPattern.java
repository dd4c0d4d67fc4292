package org.modstamp.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

import org.modstamp.net.Addresses;

/**
 * An address or a CIDR range, IPv4 or IPv6 ({@code 127.0.0.1}, {@code 10.0.0.0/8}, {@code ::1},
 * {@code fd00::/8}). An IPv4-mapped IPv6 sender ({@code ::ffff:a.b.c.d}, as a dual-stack socket
 * reports IPv4 peers) matches in its IPv4 form. Host names are refused: matching never resolves names.
 */
public final class HostPattern {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final String text;
    private final byte[] network;
    private final int prefixLength;

    private HostPattern(String text, byte[] network, int prefixLength) {
        this.text = text;
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** Parses an address or CIDR range; the message of the exception says what is wrong. */
    public static HostPattern parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literalAddress(address);
        int maxPrefix = bytes.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            String prefixText = trimmed.substring(slash + 1);
            try {
                prefix = Integer.parseInt(prefixText);
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > maxPrefix) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0.." + maxPrefix);
            }
        }
        return new HostPattern(trimmed, mask(bytes, prefix), prefix);
    }

    private static byte[] literalAddress(String address) {
        if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
            throw new IllegalArgumentException("'" + address
                    + "' is not an IP address: hosts are IPv4 or IPv6 addresses or CIDR ranges (no host names)");
        }
        try {
            return Addresses.normalized(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + address + "' is not a valid IP address", e);
        }
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xFF00 >>> bits);
        }
        return masked;
    }

    public boolean matches(InetAddress sender) {
        byte[] bytes = Addresses.normalized(sender);
        if (bytes.length != network.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            int bits = Math.max(0, Math.min(8, prefixLength - i * 8));
            if ((bytes[i] & 0xFF & (0xFF00 >>> bits)) != (network[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostPattern p && p.prefixLength == prefixLength && Arrays.equals(p.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
