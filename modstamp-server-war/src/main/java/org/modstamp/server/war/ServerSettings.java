package org.modstamp.server.war;

import java.io.IOException;
import java.nio.file.Path;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.modstamp.net.HostPort;
import org.modstamp.security.HostPattern;
import org.modstamp.security.SecurityProfileLoader;
import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.AbuseLimits;
import org.modstamp.server.ServerClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.JdbcValueStore;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.server.store.RedisSettings;
import org.modstamp.server.store.RedisValueStore;
import org.modstamp.server.store.SqliteValueStore;
import org.modstamp.server.store.StoreException;
import org.modstamp.server.store.ValueStore;
import org.modstamp.server.transport.IoKind;
import org.modstamp.server.transport.TransportConfig;
import org.modstamp.wire.DatagramPacker;

/**
 * The server's configuration, from MicroProfile Config (so also from system properties and environment
 * variables: {@code modstamp.listen} or {@code MODSTAMP_LISTEN}). Every mistake names its property.
 */
@ApplicationScoped
public class ServerSettings {
    @Inject
    @ConfigProperty(name = "modstamp.listen", defaultValue = "[::]:1415")
    String listen;

    @Inject
    @ConfigProperty(name = "modstamp.store", defaultValue = "sqlite")
    String store;

    @Inject
    @ConfigProperty(name = "modstamp.db", defaultValue = "modstamp.db")
    String db;

    @Inject
    @ConfigProperty(name = "modstamp.datasource", defaultValue = "java:comp/DefaultDataSource")
    String datasource;

    @Inject
    @ConfigProperty(name = "modstamp.redis", defaultValue = "redis://localhost:6379/0")
    String redis;

    @Inject
    @ConfigProperty(name = "modstamp.redis.prefix", defaultValue = "modstamp:")
    String redisPrefix;

    @Inject
    @ConfigProperty(name = "modstamp.redis.replicas", defaultValue = "0")
    String redisReplicas;

    @Inject
    @ConfigProperty(name = "modstamp.redis.replicasTimeout", defaultValue = "500")
    String redisReplicasTimeout;

    @Inject
    @ConfigProperty(name = "modstamp.redis.password", defaultValue = " ")
    String redisPassword;

    @Inject
    @ConfigProperty(name = "modstamp.redis.passwordFile", defaultValue = " ")
    String redisPasswordFile;

    @Inject
    @ConfigProperty(name = "modstamp.redis.truststore", defaultValue = " ")
    String redisTruststore;

    @Inject
    @ConfigProperty(name = "modstamp.profile", defaultValue = " ")
    String profileFile;

    @Inject
    @ConfigProperty(name = "modstamp.profile.inline", defaultValue = " ")
    String profileInline;

    @Inject
    @ConfigProperty(name = "modstamp.listenerTtl", defaultValue = "300")
    String listenerTtl;

    @Inject
    @ConfigProperty(name = "modstamp.maxPacketSize", defaultValue = "1300")
    String maxPacketSize;

    @Inject
    @ConfigProperty(name = "modstamp.broadcastRepeat", defaultValue = "1")
    String broadcastRepeat;

    @Inject
    @ConfigProperty(name = "modstamp.ioThreads", defaultValue = "1")
    String ioThreads;

    @Inject
    @ConfigProperty(name = "modstamp.admin.hosts", defaultValue = "127.0.0.1,::1")
    String adminHosts;

    @Inject
    @ConfigProperty(name = "modstamp.admin.token", defaultValue = " ")
    String adminToken;

    @Inject
    @ConfigProperty(name = "modstamp.http.hosts", defaultValue = " ")
    String httpHosts;

    @Inject
    @ConfigProperty(name = "modstamp.limits.listenersPerAddress", defaultValue = "100000")
    String listenersPerAddress;

    @Inject
    @ConfigProperty(name = "modstamp.limits.signalsPerSecond", defaultValue = "10000")
    String signalsPerSecond;

    @Inject
    @ConfigProperty(name = "modstamp.limits.replyAmplification", defaultValue = "3.0")
    String replyAmplification;

    @Inject
    @ConfigProperty(name = "modstamp.limits.ipv4Prefix", defaultValue = "24")
    String ipv4Prefix;

    @Inject
    @ConfigProperty(name = "modstamp.limits.ipv6Prefix", defaultValue = "64")
    String ipv6Prefix;

    @Inject
    @ConfigProperty(name = "modstamp.limits.plainListeners", defaultValue = "250000")
    String plainListeners;

    @Inject
    @ConfigProperty(name = "modstamp.limits.listeners", defaultValue = "1000000")
    String listeners;

    @Inject
    @ConfigProperty(name = "modstamp.limits.replyBytesPerSecond", defaultValue = "65536")
    String replyBytesPerSecond;

    @Inject
    @ConfigProperty(name = "modstamp.limits.replyBurst", defaultValue = "262144")
    String replyBurst;

    /** The wire configuration; fails with the name of the bad property. */
    public ServerConfig serverConfig() {
        return new ServerConfig(
                setting("modstamp.listen", () -> HostPort.parse(listen, ServerConfig.DEFAULT_PORT).resolve()),
                setting("modstamp.maxPacketSize", () -> checked(Integer.parseInt(maxPacketSize.trim()), "maxPacketSize",
                        v -> DatagramPacker.checkMaxPacketSize(org.modstamp.wire.DatagramHeader.PLAIN, v))),
                setting("modstamp.broadcastRepeat", () -> Integer.parseInt(broadcastRepeat.trim())),
                setting("modstamp.listenerTtl", () -> Duration.ofSeconds(Long.parseLong(listenerTtl.trim()))),
                setting("modstamp.profile", this::profiles),
                setting("modstamp.limits", () -> new AbuseLimits(Integer.parseInt(listenersPerAddress.trim()),
                        Integer.parseInt(signalsPerSecond.trim()), Double.parseDouble(replyAmplification.trim()), 600,
                        Integer.parseInt(ipv4Prefix.trim()), Integer.parseInt(ipv6Prefix.trim()),
                        Integer.parseInt(plainListeners.trim()), Integer.parseInt(listeners.trim()),
                        Integer.parseInt(replyBytesPerSecond.trim()), Integer.parseInt(replyBurst.trim()))),
                ServerClock.system());
    }

    /** How the UDP port is served: epoll where available, with {@code modstamp.ioThreads} sockets and threads. */
    public TransportConfig transportConfig() {
        return new TransportConfig(IoKind.AUTO, setting("modstamp.ioThreads",
                () -> TransportConfig.checkThreads(Integer.parseInt(ioThreads.trim()))));
    }

    /** Where values live: {@code modstamp.store} = sqlite (default), jdbc, memory or redis. */
    public ValueStore openStore() throws StoreException {
        return switch (store.trim()) {
            case "sqlite" -> SqliteValueStore.open(Path.of(db.trim()));
            case "jdbc" -> JdbcValueStore.open(dataSource(), datasource.trim());
            case "memory" -> new MemoryValueStore();
            case "redis" -> RedisValueStore.open(redisSettings());
            default -> throw new IllegalArgumentException("modstamp.store: '" + store.trim()
                    + "' is not one of sqlite, jdbc, memory, redis");
        };
    }

    /** The {@code modstamp.redis.*} settings, parsed as the CLI parses its {@code --redis} options. */
    public RedisSettings redisSettings() {
        int replicas = setting("modstamp.redis.replicas", () -> Integer.parseInt(redisReplicas.trim()));
        Duration timeout = setting("modstamp.redis.replicasTimeout",
                () -> Duration.ofMillis(Long.parseLong(redisReplicasTimeout.trim())));
        return setting("modstamp.redis", () -> RedisSettings.of(redis, redisPrefix, replicas, timeout, redisPassword,
                redisPasswordFile.isBlank() ? null : Path.of(redisPasswordFile.trim()),
                redisTruststore.isBlank() ? null : Path.of(redisTruststore.trim())));
    }

    /** The container's DataSource named by {@code modstamp.datasource}. */
    private DataSource dataSource() {
        return setting("modstamp.datasource", () -> {
            try {
                return (DataSource) new InitialContext().lookup(datasource.trim());
            } catch (NamingException e) {
                throw new IllegalArgumentException("no DataSource is bound at '" + datasource.trim() + "'", e);
            }
        });
    }

    /** Where the values are, for the log. */
    public String describeStore() {
        return switch (store.trim()) {
            case "sqlite" -> Path.of(db.trim()).toAbsolutePath().toString();
            case "jdbc" -> "the DataSource " + datasource.trim();
            case "redis" -> redisSettings().toString();
            default -> store.trim();
        };
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

    private SecurityProfiles profiles() throws IOException {
        if (!profileInline.isBlank()) {
            return SecurityProfileLoader.parse(profileInline, SecurityProfileLoader.Format.YAML);
        }
        if (!profileFile.isBlank()) {
            return SecurityProfileLoader.load(Path.of(profileFile.trim()));
        }
        return SecurityProfiles.serverDefault();
    }

    private interface Setting<T> {
        T get() throws Exception;
    }

    private static <T> T checked(T value, String name, java.util.function.Consumer<T> check) {
        check.accept(value);
        return value;
    }

    private static <T> T setting(String property, Setting<T> setting) {
        try {
            return setting.get();
        } catch (Exception e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }
}
