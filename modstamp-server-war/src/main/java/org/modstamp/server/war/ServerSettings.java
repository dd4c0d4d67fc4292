package org.modstamp.server.war;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.modstamp.security.HostPattern;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.settings.ModstampSettings;
import org.modstamp.server.store.StoreException;
import org.modstamp.server.store.ValueStore;
import org.modstamp.server.transport.TransportConfig;

/**
 * The server's configuration, from MicroProfile Config (so also from system properties and environment
 * variables: {@code modstamp.listen} or {@code MODSTAMP_LISTEN}). The server's own settings (address,
 * store, profiles, limits, ...) are read by {@link ModstampSettings}, as {@code modstamp serve} reads its
 * options; the HTTP API's are here. Every mistake names its property.
 */
@ApplicationScoped
public class ServerSettings {
    @Inject
    Config config;

    /** Where the server's settings are looked up: MicroProfile Config unless a test sets it. */
    Function<String, Optional<String>> lookup;

    @Inject
    @ConfigProperty(name = "modstamp.admin.hosts", defaultValue = "127.0.0.1,::1")
    String adminHosts;

    @Inject
    @ConfigProperty(name = "modstamp.admin.token", defaultValue = " ")
    String adminToken;

    @Inject
    @ConfigProperty(name = "modstamp.http.hosts", defaultValue = " ")
    String httpHosts;

    private ModstampSettings settings() {
        Function<String, Optional<String>> source = lookup;
        return ModstampSettings.from(source != null ? source : name -> config.getOptionalValue(name, String.class));
    }

    /** The wire configuration; fails with the name of the bad property. */
    public ServerConfig serverConfig() {
        return settings().serverConfig();
    }

    /** How the UDP port is served: {@code modstamp.io} and {@code modstamp.ioThreads}. */
    public TransportConfig transportConfig() {
        return settings().transportConfig();
    }

    /** Where values live: {@code modstamp.store} = sqlite (default), jdbc, memory or redis. */
    public ValueStore openStore() throws StoreException {
        return settings().openStore(ServerSettings::dataSource);
    }

    /** Where the values are, for the log and the status page. */
    public String describeStore() {
        return settings().describeStore();
    }

    /** The container's DataSource bound at {@code name}. */
    private static DataSource dataSource(String name) {
        try {
            return (DataSource) new InitialContext().lookup(name);
        } catch (NamingException e) {
            throw new IllegalArgumentException("no DataSource is bound at '" + name + "'", e);
        }
    }

    /** The senders allowed to change values over HTTP. */
    public List<HostPattern> adminHosts() {
        return setting("modstamp.admin.hosts", () -> Arrays.stream(adminHosts.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(HostPattern::parse).toList());
    }

    /**
     * The bearer token that makes a request an operator's from any address ({@code Authorization: Bearer ...});
     * empty when none is set. Never logged.
     */
    public String adminToken() {
        String token = adminToken.trim();
        if (!token.isEmpty() && token.length() < 16) {
            throw new IllegalArgumentException("modstamp.admin.token: at least 16 characters (it is the password "
                    + "of every operator)");
        }
        return token;
    }

    /**
     * The host names the HTTP API answers to ({@code Host} header, port left out); by default the loopback
     * names and this machine's own; {@code *} for any (then DNS rebinding is not stopped).
     */
    public HttpHosts httpHosts() {
        HttpHosts hosts = parsedHttpHosts;
        if (hosts == null) { // parsed once: it looks this machine's names up
            hosts = setting("modstamp.http.hosts", () -> HttpHosts.parse(httpHosts));
            parsedHttpHosts = hosts;
        }
        return hosts;
    }

    private volatile HttpHosts parsedHttpHosts;

    private interface Setting<T> {
        T get() throws Exception;
    }

    private static <T> T setting(String property, Setting<T> setting) {
        try {
            return setting.get();
        } catch (Exception e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }
}
