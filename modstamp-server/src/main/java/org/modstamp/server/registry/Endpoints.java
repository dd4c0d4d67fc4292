package org.modstamp.server.registry;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a listener's address and port into 49 bits of a {@code long}, so that a registration costs a few
 * bytes instead of an object graph. IPv4 addresses (and IPv4-mapped IPv6 addresses) are encoded in
 * place; IPv6 addresses are numbered in a table of their own, kept for the life of the server.
 * Key 0 is never produced (it would be 0.0.0.0:0, not a sender).
 */
public final class Endpoints {
    private static final long IPV6_FLAG = 1L << 48;

    private final Map<InetAddress, Integer> ipv6Numbers = new HashMap<>();
    private final List<Inet6Address> ipv6Addresses = new ArrayList<>();

    public long encode(InetSocketAddress endpoint) {
        InetAddress address = endpoint.getAddress();
        int port = endpoint.getPort();
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4Key(b, 0, port);
        }
        if (isIpv4Mapped(b)) {
            return ipv4Key(b, 12, port);
        }
        Integer number = ipv6Numbers.get(address);
        if (number == null) {
            number = ipv6Addresses.size();
            ipv6Addresses.add((Inet6Address) address);
            ipv6Numbers.put(address, number);
        }
        return IPV6_FLAG | ((long) number << 16) | port;
    }

    public InetSocketAddress decode(long key) {
        int port = (int) (key & 0xFFFF);
        if ((key & IPV6_FLAG) != 0) {
            return new InetSocketAddress(ipv6Addresses.get((int) ((key & ~IPV6_FLAG) >>> 16)), port);
        }
        int ip = (int) (key >>> 16);
        byte[] b = {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an IPv4 address", e);
        }
    }

    private static long ipv4Key(byte[] b, int at, int port) {
        long ip = ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
        return (ip << 16) | port;
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
