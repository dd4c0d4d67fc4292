package org.modstamp.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void parsesTheUsualForms() {
        assertEquals(new HostPort("127.0.0.1", 1415), HostPort.parse("127.0.0.1:1415", 1));
        assertEquals(new HostPort("::", 0), HostPort.parse("[::]:0", 1));
        assertEquals(new HostPort("::1", 1415), HostPort.parse("::1", 1415));
        assertEquals(new HostPort("localhost", 99), HostPort.parse("localhost", 99));
        assertEquals("[::1]:5", new HostPort("::1", 5).toString());
        assertTrue(HostPort.parse("localhost:7", 1).resolve().getAddress().isLoopbackAddress());
    }

    @Test
    void rejectsWhatIsNotAHostAndPort() {
        var e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse("host:http", 1));
        assertTrue(e.getMessage().contains("0..65535"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("host:70000", 1));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("[::1", 1));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(":1415", 1));
    }
}
