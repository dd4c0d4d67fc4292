package org.modstamp.server.war;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HttpHostsTest {
    @Test
    void theDefaultsAnswerLoopbackNamesWithOrWithoutAPortAndNothingElse() {
        HttpHosts hosts = HttpHosts.parse(" ");
        for (String host : new String[] {"localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "[::1]", "LOCALHOST"}) {
            assertTrue(hosts.allows(host), host);
        }
        for (String host : new String[] {"attacker.example", "attacker.example:8080", "127.0.0.2:8080", "", null,
                                         "localhost.attacker.example"}) {
            assertFalse(hosts.allows(host), String.valueOf(host));
        }
    }

    @Test
    void aListNamesTheHostsAndAStarAllowsAny() {
        HttpHosts listed = HttpHosts.parse("modstamp.example.org, 10.0.0.5");
        assertTrue(listed.allows("modstamp.example.org:443"));
        assertTrue(listed.allows("10.0.0.5"));
        assertFalse(listed.allows("localhost"), "a list replaces the defaults");
        assertTrue(HttpHosts.parse("*").allows("anything.example"));
    }
}
