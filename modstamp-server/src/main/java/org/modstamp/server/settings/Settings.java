package org.modstamp.server.settings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.modstamp.server.AbuseLimits;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.RedisSettings;
import org.modstamp.server.transport.TransportConfig;

/**
 * Every setting of a server, declared once: its name (the WAR's MicroProfile Config property), the option of
 * {@code modstamp serve} that gives it, its default, the abuse limit it sets, and its help. {@link ModstampSettings}
 * reads them by these declarations, {@code serve} takes its options' help and defaults from them, and the docs'
 * tables are checked against them ({@code SettingsDocumentedTest}).
 */
public final class Settings {
    private static final ServerConfig SERVER = ServerConfig.defaults();
    private static final AbuseLimits LIMITS = AbuseLimits.defaults();
    private static final TransportConfig TRANSPORT = TransportConfig.defaults();
    private static final List<Setting> DECLARED = new ArrayList<>();

    public static final Setting LISTEN = declare("modstamp.listen", "--listen", "[::]:" + ServerConfig.DEFAULT_PORT, null,
            "UDP address to bind; [::] is dual-stack (IPv4 and IPv6); port 0 picks a free port (default: "
            + "${DEFAULT-VALUE})");
    public static final Setting STORE = declare("modstamp.store", null, "sqlite", null,
            "Where the values live: sqlite, jdbc (a DataSource of the container), memory or redis");
    public static final Setting DB = declare("modstamp.db", "--db", "modstamp.db", null,
            "SQLite file holding the values, created if missing (default: ${DEFAULT-VALUE})");
    public static final Setting DATASOURCE = declare("modstamp.datasource", null, "java:comp/DefaultDataSource", null,
            "The JNDI name of the DataSource, with modstamp.store=jdbc");
    public static final Setting REDIS = declare("modstamp.redis", "--redis", "redis://localhost:6379/0", null,
            "Share values with other instances through Redis instead of --db: "
            + "redis://[user:password@]host:port/db, "
            + "redis-sentinel://[user:password@]s1:26379,s2:26379/primary-name?db=0, "
            + "redis-cluster://[user:password@]n1:6379,n2:6379, or rediss://, rediss-sentinel:// and "
            + "rediss-cluster:// for TLS; run Redis with appendonly yes and appendfsync always for durable "
            + "changes");
    public static final Setting REDIS_PREFIX = declare("modstamp.redis.prefix", "--redis-prefix", "modstamp:", null,
            "Prefix of this cluster's Redis keys (default: ${DEFAULT-VALUE})");
    public static final Setting REDIS_REPLICAS = declare("modstamp.redis.replicas", "--redis-replicas", "0", null,
            "Confirm a change (send its M) only once N Redis replicas acknowledged it (WAIT), else refuse "
            + "it (default: ${DEFAULT-VALUE}: no waiting)");
    public static final Setting REDIS_REPLICAS_TIMEOUT = declare("modstamp.redis.replicasTimeout",
            "--redis-replicas-timeout", String.valueOf(RedisSettings.DEFAULT_REPLICAS_TIMEOUT.toMillis()), null,
            "How long to wait for the --redis-replicas acknowledgements (default: ${DEFAULT-VALUE})");
    public static final Setting REDIS_PASSWORD = declare("modstamp.redis.password", null, null, null,
            "The Redis password (give it as the environment variable MODSTAMP_REDIS_PASSWORD), instead of "
            + "in the URI");
    public static final Setting REDIS_PASSWORD_FILE = declare("modstamp.redis.passwordFile", "--redis-password-file", null, null,
            "Read the Redis password from the first line of FILE (or set MODSTAMP_REDIS_PASSWORD) rather "
            + "than put it in the URI");
    public static final Setting REDIS_TRUSTSTORE = declare("modstamp.redis.truststore", "--redis-truststore", null, null,
            "CA certificates to trust for rediss:// (PEM, or a PKCS12/JKS keystore without password); "
            + "default: the JVM's");
    public static final Setting PROFILE = declare("modstamp.profile", "--profile", null, null,
            "Security profile list (JSON or YAML); default: rw for 127.0.0.1 and ::1, ro for others");
    public static final Setting PROFILE_INLINE = declare("modstamp.profile.inline", null, null, null,
            "A security profile list given inline (YAML or JSON), instead of the file");
    public static final Setting LISTENER_TTL = declare("modstamp.listenerTtl",
            "--listener-ttl", String.valueOf(SERVER.listenerTtl().toSeconds()), null,
            "How long a Query keeps its sender registered as a listener (default: ${DEFAULT-VALUE})");
    public static final Setting MAX_PACKET_SIZE = declare("modstamp.maxPacketSize", "--max-packet-size", String.valueOf(SERVER.maxPacketSize()), null,
            "Largest datagram sent, header included (default: ${DEFAULT-VALUE})");
    public static final Setting BROADCAST_REPEAT = declare("modstamp.broadcastRepeat",
            "--broadcast-repeat", String.valueOf(SERVER.broadcastRepeat()), null,
            "Send each Signal datagram N times, back to back (default: ${DEFAULT-VALUE})");
    public static final Setting IO = declare("modstamp.io", "--io", TRANSPORT.io().name(), null,
            "Socket I/O: AUTO (native epoll on Linux, else NIO), EPOLL or NIO (default: ${DEFAULT-VALUE})");
    public static final Setting IO_THREADS = declare("modstamp.ioThreads", "--io-threads", String.valueOf(TRANSPORT.threads()), null,
            "Sockets and threads serving the port (SO_REUSEPORT, epoll only); more than one spreads large "
            + "fan-outs over the cores; 0: one per core (default: ${DEFAULT-VALUE})");
    public static final Setting LISTENERS_PER_ADDRESS = declare("modstamp.limits.listenersPerAddress",
            "--listeners-per-address", String.valueOf(LIMITS.listenersPerAddress()), "listenersPerAddress",
            "Most listener registrations the addresses of one network may hold together: an IPv4 "
            + "/--ipv4-prefix, an IPv6 /--ipv6-prefix (default: ${DEFAULT-VALUE})");
    public static final Setting SIGNALS_PER_SECOND = declare("modstamp.limits.signalsPerSecond",
            "--signals-per-second", String.valueOf(LIMITS.signalsPerSecondPerAddress()), "signalsPerSecondPerAddress",
            "Most Signal datagrams (each --broadcast-repeat copy counts) sent to one network (see "
            + "--ipv4-prefix) per second (default: ${DEFAULT-VALUE})");
    public static final Setting REPLY_AMPLIFICATION = declare("modstamp.limits.replyAmplification",
            "--reply-amplification", String.valueOf(LIMITS.replyAmplification()), "replyAmplification",
            "A reply is at most X times its request, or one full Reply (default: ${DEFAULT-VALUE})");
    public static final Setting IPV4_PREFIX = declare("modstamp.limits.ipv4Prefix",
            "--ipv4-prefix", String.valueOf(LIMITS.ipv4PrefixBits()), "ipv4PrefixBits",
            "IPv4 prefix that registrations and reply credit are counted by (default: ${DEFAULT-VALUE})");
    public static final Setting IPV6_PREFIX = declare("modstamp.limits.ipv6Prefix",
            "--ipv6-prefix", String.valueOf(LIMITS.ipv6PrefixBits()), "ipv6PrefixBits",
            "IPv6 prefix (at most 64) that registrations and reply credit are counted by (default: "
            + "${DEFAULT-VALUE})");
    public static final Setting PLAIN_LISTENERS = declare("modstamp.limits.plainListeners",
            "--plain-listeners", String.valueOf(LIMITS.plainListeners()), "plainListeners",
            "Most listener registrations in all made by plain (unauthenticated) Queries (default: "
            + "${DEFAULT-VALUE})");
    public static final Setting LISTENERS = declare("modstamp.limits.listeners", "--listeners", String.valueOf(LIMITS.listeners()), "listeners",
            "Most listener registrations in all; the room above --plain-listeners is for aead listeners "
            + "(default: ${DEFAULT-VALUE})");
    public static final Setting REPLY_BYTES_PER_SECOND = declare("modstamp.limits.replyBytesPerSecond",
            "--reply-bytes-per-second", String.valueOf(LIMITS.replyBytesPerSecondPerPrefix()), "replyBytesPerSecondPerPrefix",
            "Reply bytes a network may get a second beyond 3 times what came from it, for unauthenticated "
            + "requests (default: ${DEFAULT-VALUE})");
    public static final Setting REPLY_BURST = declare("modstamp.limits.replyBurst",
            "--reply-burst", String.valueOf(LIMITS.replyBurstPerPrefix()), "replyBurstPerPrefix",
            "Reply credit a network starts with and may hold (default: ${DEFAULT-VALUE})");

    /** Every setting, in the order declared. */
    public static final List<Setting> ALL = Collections.unmodifiableList(DECLARED);

    private Settings() {
    }

    private static Setting declare(String name, String option, String defaultValue, String limit, String help) {
        Setting setting = new Setting(name, option, defaultValue, limit, help);
        DECLARED.add(setting);
        return setting;
    }

    /** The setting of this name. */
    public static Optional<Setting> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The setting that {@code serve}'s {@code option} gives. */
    public static Optional<Setting> ofOption(String option) {
        return ALL.stream().filter(s -> option.equals(s.option())).findFirst();
    }

    /** The limit setting of an {@link AbuseLimits} record component. */
    public static Optional<Setting> ofLimit(String component) {
        return ALL.stream().filter(s -> component.equals(s.limit())).findFirst();
    }
}
