package org.modstamp.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class AddressesTest {
    /** ::ffff:10.1.2.3 as an Inet6Address (as some dual-stack sockets report it; getByName would unmap it). */
    private static InetAddress mapped() throws Exception {
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        b[12] = 10;
        b[13] = 1;
        b[14] = 2;
        b[15] = 3;
        return Inet6Address.getByAddress(null, b, -1);
    }

    @Test
    void anIpv4MappedAddressCountsAsTheIpv4AddressItMaps() throws Exception {
        InetAddress mapped = mapped();
        assertTrue(mapped instanceof Inet6Address);
        assertArrayEquals(new byte[] {10, 1, 2, 3}, Addresses.normalized(mapped));
        assertTrue(Addresses.isIpv4(mapped));
        assertTrue(Addresses.sameHost(mapped, InetAddress.getByName("10.1.2.3")));
        assertFalse(Addresses.sameHost(mapped, InetAddress.getByName("10.1.2.4")));
    }

    @Test
    void otherAddressesAreLeftAsTheyAre() throws Exception {
        assertEquals(16, Addresses.normalized(InetAddress.getByName("::1")).length);
        assertFalse(Addresses.isIpv4(InetAddress.getByName("::1")));
        assertFalse(Addresses.isIpv4(InetAddress.getByName("::10.1.2.3")), "IPv4-compatible is not IPv4-mapped");
        assertTrue(Addresses.isIpv4(InetAddress.getByName("127.0.0.1")));
        assertFalse(Addresses.sameHost(InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.1")));
    }
}
