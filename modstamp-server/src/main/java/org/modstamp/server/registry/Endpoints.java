package org.modstamp.server.registry;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.modstamp.net.Addresses;

/**
 * Encodes a listener's address and port into 49 bits of a {@code long}, so that a registration costs a few
 * bytes instead of an object graph. IPv4 addresses (and IPv4-mapped IPv6 addresses) are encoded in
 * place; IPv6 addresses are numbered in a table of their own, each number counted by the registrations
 * that use it and freed (for reuse) with the last of them. Key 0 is never produced (0.0.0.0:0 is not a sender).
 */
public final class Endpoints {
    private static final long IPV6_FLAG = 1L << 48;

    private final Map<InetAddress, Integer> ipv6Numbers = new HashMap<>();
    private final List<Inet6Address> ipv6Addresses = new ArrayList<>();
    private final List<Integer> ipv6Uses = new ArrayList<>();
    private final ArrayDeque<Integer> freeNumbers = new ArrayDeque<>();

    public long encode(InetSocketAddress endpoint) {
        InetAddress address = endpoint.getAddress();
        int port = endpoint.getPort();
        byte[] b = Addresses.normalized(address);
        if (b.length == 4) {
            return ipv4Key(b, port);
        }
        Integer number = ipv6Numbers.get(address);
        if (number == null) {
            number = freeNumbers.isEmpty() ? ipv6Addresses.size() : freeNumbers.pop();
            if (number == ipv6Addresses.size()) {
                ipv6Addresses.add((Inet6Address) address);
                ipv6Uses.add(0);
            } else {
                ipv6Addresses.set(number, (Inet6Address) address);
            }
            ipv6Numbers.put(address, number);
        }
        return IPV6_FLAG | ((long) number << 16) | port;
    }

    /** The key of {@code endpoint} if it can be registered now, without numbering a new IPv6 address; 0 if not. */
    public long find(InetSocketAddress endpoint) {
        InetAddress address = endpoint.getAddress();
        if (Addresses.isIpv4(address)) {
            return encode(endpoint);
        }
        Integer number = ipv6Numbers.get(address);
        return number == null ? 0 : IPV6_FLAG | ((long) number << 16) | endpoint.getPort();
    }

    /** A registration now uses {@code key}. */
    public void retain(long key) {
        if ((key & IPV6_FLAG) != 0) {
            int number = number(key);
            ipv6Uses.set(number, ipv6Uses.get(number) + 1);
        }
    }

    /** A registration no longer uses {@code key}: an IPv6 address nobody uses any more is forgotten. */
    public void release(long key) {
        if ((key & IPV6_FLAG) != 0) {
            int number = number(key);
            int uses = ipv6Uses.get(number) - 1;
            ipv6Uses.set(number, uses);
            if (uses == 0) {
                ipv6Numbers.remove(ipv6Addresses.get(number));
                ipv6Addresses.set(number, null);
                freeNumbers.push(number);
            }
        }
    }

    /** IPv6 addresses currently numbered. */
    public int ipv6Addresses() {
        return ipv6Numbers.size();
    }

    private static int number(long key) {
        return (int) ((key & ~IPV6_FLAG) >>> 16);
    }

    public InetSocketAddress decode(long key) {
        int port = (int) (key & 0xFFFF);
        if ((key & IPV6_FLAG) != 0) {
            return new InetSocketAddress(ipv6Addresses.get(number(key)), port);
        }
        int ip = (int) (key >>> 16);
        byte[] b = {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an IPv4 address", e);
        }
    }

    private static long ipv4Key(byte[] b, int port) {
        long ip = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        return (ip << 16) | port;
    }
}
