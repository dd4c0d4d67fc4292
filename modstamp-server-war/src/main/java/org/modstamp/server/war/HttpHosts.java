package org.modstamp.server.war;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The host names a request may name in its {@code Host} header. A page that a browser loaded from another
 * name (DNS rebinding: attacker.example resolving to 127.0.0.1) sends that name, and is refused, so it cannot
 * use the browser of an operator on an admin host to read or change values.
 */
public final class HttpHosts {
    private final Set<String> names;
    private final boolean any;

    private HttpHosts(Set<String> names, boolean any) {
        this.names = names;
        this.any = any;
    }

    /** From {@code modstamp.http.hosts}: names separated by commas, {@code *} for any, blank for the defaults. */
    static HttpHosts parse(String setting) {
        Set<String> names = new TreeSet<>();
        Arrays.stream(setting.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
        if (names.contains("*")) {
            return new HttpHosts(Set.of(), true);
        }
        if (names.isEmpty()) {
            names.addAll(Set.of("localhost", "127.0.0.1", "::1", "[::1]"));
            try {
                InetAddress self = InetAddress.getLocalHost();
                names.add(self.getHostName().toLowerCase(Locale.ROOT));
                names.add(self.getCanonicalHostName().toLowerCase(Locale.ROOT));
                names.add(self.getHostAddress());
            } catch (UnknownHostException e) { // this machine's name does not resolve: the loopback names remain
                names.add(hostName());
            }
        }
        return new HttpHosts(Set.copyOf(names), false);
    }

    private static String hostName() {
        String name = System.getenv("HOSTNAME");
        return name == null ? "localhost" : name.toLowerCase(Locale.ROOT);
    }

    /** Whether a request whose Host header is {@code host} (with or without its port) is answered. */
    boolean allows(String host) {
        if (any) {
            return true;
        }
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = host.trim().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) { // [v6]:port
            int end = name.indexOf(']');
            name = end < 0 ? name : name.substring(0, end + 1);
        } else if (name.indexOf(':') == name.lastIndexOf(':') && name.indexOf(':') > 0) { // name:port
            name = name.substring(0, name.indexOf(':'));
        }
        return names.contains(name);
    }

    @Override
    public String toString() {
        return any ? "*" : String.join(",", names);
    }
}
