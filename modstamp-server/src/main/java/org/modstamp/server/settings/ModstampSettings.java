package org.modstamp.server.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.modstamp.net.HostPort;
import org.modstamp.security.SecurityProfileLoader;
import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.AbuseLimits;
import org.modstamp.server.InvalidLimitException;
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

/**
 * The one path from named settings ({@code modstamp.listen}, {@code modstamp.store}, ...) to a server: its
 * {@link ServerConfig} (with its {@link AbuseLimits}), its {@link TransportConfig} and its store. The WAR
 * passes MicroProfile Config lookups, {@code modstamp serve} its options under these names (its option
 * defaults are {@link #DEFAULTS}): a new setting is parsed, checked and defaulted here, and the CLI only
 * names the option that gives it. Every mistake throws an
 * IllegalArgumentException that starts with the name of the setting, as the caller shows it ({@code
 * modstamp.listen} to the WAR, {@code --listen} to the CLI).
 */
public final class ModstampSettings {
    /** Looks a DataSource up by name (JNDI in an application server). */
    @FunctionalInterface
    public interface DataSources {
        DataSource lookup(String name) throws Exception;
    }

    /** Every setting with its default; those without one are optional (not given: not used). */
    public static final Map<String, String> DEFAULTS;

    static {
        ServerConfig server = ServerConfig.defaults();
        AbuseLimits limits = AbuseLimits.defaults();
        TransportConfig transport = TransportConfig.defaults();
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("modstamp.listen", "[::]:" + ServerConfig.DEFAULT_PORT);
        defaults.put("modstamp.store", "sqlite");
        defaults.put("modstamp.db", "modstamp.db");
        defaults.put("modstamp.datasource", "java:comp/DefaultDataSource");
        defaults.put("modstamp.redis", "redis://localhost:6379/0");
        defaults.put("modstamp.redis.prefix", "modstamp:");
        defaults.put("modstamp.redis.replicas", "0");
        defaults.put("modstamp.redis.replicasTimeout", String.valueOf(RedisSettings.DEFAULT_REPLICAS_TIMEOUT.toMillis()));
        defaults.put("modstamp.listenerTtl", String.valueOf(server.listenerTtl().toSeconds()));
        defaults.put("modstamp.maxPacketSize", String.valueOf(server.maxPacketSize()));
        defaults.put("modstamp.broadcastRepeat", String.valueOf(server.broadcastRepeat()));
        defaults.put("modstamp.io", transport.io().name());
        defaults.put("modstamp.ioThreads", String.valueOf(transport.threads()));
        defaults.put("modstamp.limits.listenersPerAddress", String.valueOf(limits.listenersPerAddress()));
        defaults.put("modstamp.limits.signalsPerSecond", String.valueOf(limits.signalsPerSecondPerAddress()));
        defaults.put("modstamp.limits.replyAmplification", String.valueOf(limits.replyAmplification()));
        defaults.put("modstamp.limits.ipv4Prefix", String.valueOf(limits.ipv4PrefixBits()));
        defaults.put("modstamp.limits.ipv6Prefix", String.valueOf(limits.ipv6PrefixBits()));
        defaults.put("modstamp.limits.plainListeners", String.valueOf(limits.plainListeners()));
        defaults.put("modstamp.limits.listeners", String.valueOf(limits.listeners()));
        defaults.put("modstamp.limits.replyBytesPerSecond", String.valueOf(limits.replyBytesPerSecondPerPrefix()));
        defaults.put("modstamp.limits.replyBurst", String.valueOf(limits.replyBurstPerPrefix()));
        // optional: modstamp.redis.password, modstamp.redis.passwordFile, modstamp.redis.truststore,
        // modstamp.profile (a file), modstamp.profile.inline (YAML or JSON)
        DEFAULTS = java.util.Collections.unmodifiableMap(defaults);
    }

    /** The record component of AbuseLimits that each limit setting gives, as its messages name it. */
    private static final Map<String, String> LIMIT_COMPONENTS = Map.of(
            "listenersPerAddress", "modstamp.limits.listenersPerAddress",
            "signalsPerSecondPerAddress", "modstamp.limits.signalsPerSecond",
            "replyAmplification", "modstamp.limits.replyAmplification",
            "ipv4PrefixBits", "modstamp.limits.ipv4Prefix",
            "ipv6PrefixBits", "modstamp.limits.ipv6Prefix",
            "plainListeners", "modstamp.limits.plainListeners",
            "listeners", "modstamp.limits.listeners",
            "replyBytesPerSecondPerPrefix", "modstamp.limits.replyBytesPerSecond",
            "replyBurstPerPrefix", "modstamp.limits.replyBurst");

    private final Function<String, Optional<String>> lookup;
    private final UnaryOperator<String> shownAs;

    private ModstampSettings(Function<String, Optional<String>> lookup, UnaryOperator<String> shownAs) {
        this.lookup = lookup;
        this.shownAs = shownAs;
    }

    /**
     * Settings read through {@code lookup} (empty, or blank: not given, so the default applies), with
     * mistakes named by the setting's own name.
     */
    public static ModstampSettings from(Function<String, Optional<String>> lookup) {
        return from(lookup, UnaryOperator.identity());
    }

    /** As {@link #from(Function)}, a mistake named as {@code shownAs} shows the setting (a CLI option, say). */
    public static ModstampSettings from(Function<String, Optional<String>> lookup, UnaryOperator<String> shownAs) {
        return new ModstampSettings(lookup, shownAs);
    }

    /** Settings from a map of names to values. */
    public static ModstampSettings of(Map<String, String> values) {
        return from(name -> Optional.ofNullable(values.get(name)));
    }

    /** The wire and engine settings, the abuse limits with them. */
    public ServerConfig serverConfig() {
        ServerConfig defaults = ServerConfig.defaults();
        var listen = setting("modstamp.listen", text -> HostPort.parse(text, ServerConfig.DEFAULT_PORT).resolve());
        int maxPacketSize = setting("modstamp.maxPacketSize",
                text -> defaults.withMaxPacketSize(wholeNumber(text)).maxPacketSize());
        int broadcastRepeat = setting("modstamp.broadcastRepeat",
                text -> defaults.withBroadcastRepeat(wholeNumber(text)).broadcastRepeat());
        Duration listenerTtl = setting("modstamp.listenerTtl",
                text -> defaults.withListenerTtl(Duration.ofSeconds(wholeNumber(text))).listenerTtl());
        SecurityProfiles profiles = profiles();
        AbuseLimits limits = limits();
        // what is left to check is whether an aead profile's overhead fits in maxPacketSize
        return setting("modstamp.maxPacketSize", String.valueOf(maxPacketSize), text -> new ServerConfig(listen,
                maxPacketSize, broadcastRepeat, listenerTtl, profiles, limits, defaults.clock()));
    }

    /** What one source may cost: the {@code modstamp.limits.*} settings. */
    public AbuseLimits limits() {
        int listenersPerAddress = whole("modstamp.limits.listenersPerAddress");
        int signalsPerSecond = whole("modstamp.limits.signalsPerSecond");
        double replyAmplification = setting("modstamp.limits.replyAmplification", ModstampSettings::decimal);
        int ipv4Prefix = whole("modstamp.limits.ipv4Prefix");
        int ipv6Prefix = whole("modstamp.limits.ipv6Prefix");
        int plainListeners = whole("modstamp.limits.plainListeners");
        int listeners = whole("modstamp.limits.listeners");
        int replyBytesPerSecond = whole("modstamp.limits.replyBytesPerSecond");
        int replyBurst = whole("modstamp.limits.replyBurst");
        try {
            return new AbuseLimits(listenersPerAddress, signalsPerSecond, replyAmplification,
                    AbuseLimits.defaults().replyAllowance(), ipv4Prefix, ipv6Prefix, plainListeners, listeners,
                    replyBytesPerSecond, replyBurst);
        } catch (InvalidLimitException e) {
            String name = LIMIT_COMPONENTS.getOrDefault(e.component(), "modstamp.limits");
            throw new IllegalArgumentException(shownAs.apply(name) + ": " + e.getMessage(), e);
        }
    }

    /** How the UDP port is served: {@code modstamp.io} and {@code modstamp.ioThreads}. */
    public TransportConfig transportConfig() {
        IoKind io = setting("modstamp.io", ModstampSettings::ioKind);
        int threads = setting("modstamp.ioThreads", text -> TransportConfig.checkThreads(wholeNumber(text)));
        return setting("modstamp.ioThreads", String.valueOf(threads), text -> new TransportConfig(io, threads));
    }

    /** Which store {@code modstamp.store} names: sqlite (the default), jdbc, memory or redis. */
    public String storeKind() {
        return setting("modstamp.store", text -> switch (text) {
            case "sqlite", "jdbc", "memory", "redis" -> text;
            default -> throw new IllegalArgumentException("'" + text + "' is not one of sqlite, jdbc, memory, redis");
        });
    }

    /**
     * Opens the store the settings choose; the caller owns it. {@code dataSources} finds the DataSource
     * {@code modstamp.datasource} names, for {@code modstamp.store=jdbc}.
     */
    public ValueStore openStore(DataSources dataSources) throws StoreException {
        return switch (storeKind()) {
            case "sqlite" -> SqliteValueStore.open(db());
            case "jdbc" -> {
                String name = value("modstamp.datasource").orElseThrow();
                yield JdbcValueStore.open(setting("modstamp.datasource", dataSources::lookup), name);
            }
            case "memory" -> new MemoryValueStore();
            default -> RedisValueStore.open(redisSettings());
        };
    }

    /** Where the values are (never a password): checks the store's settings without opening it. */
    public String describeStore() {
        return switch (storeKind()) {
            case "sqlite" -> db().toAbsolutePath().toString();
            case "jdbc" -> "the DataSource " + value("modstamp.datasource").orElseThrow();
            case "memory" -> "memory";
            default -> redisSettings().toString();
        };
    }

    /** The {@code modstamp.redis.*} settings, parsed by {@link RedisSettings}. */
    public RedisSettings redisSettings() {
        int replicas = whole("modstamp.redis.replicas");
        Duration timeout = setting("modstamp.redis.replicasTimeout", text -> Duration.ofMillis(Long.parseLong(text)));
        String password = value("modstamp.redis.password").orElse(null);
        Path passwordFile = value("modstamp.redis.passwordFile").map(Path::of).orElse(null);
        Path truststore = value("modstamp.redis.truststore").map(Path::of).orElse(null);
        String prefix = value("modstamp.redis.prefix").orElseThrow();
        return setting("modstamp.redis", text -> RedisSettings.of(text, prefix, replicas, timeout, password,
                passwordFile, truststore));
    }

    /** The SQLite file, {@code modstamp.db}. */
    public Path db() {
        return setting("modstamp.db", Path::of);
    }

    private SecurityProfiles profiles() {
        Optional<String> inline = value("modstamp.profile.inline");
        if (inline.isPresent()) {
            return setting("modstamp.profile.inline",
                    text -> SecurityProfileLoader.parse(text, SecurityProfileLoader.Format.YAML));
        }
        Optional<String> file = value("modstamp.profile");
        return file.isEmpty() ? SecurityProfiles.serverDefault()
                : setting("modstamp.profile", text -> SecurityProfileLoader.load(Path.of(text)));
    }

    /** The setting's value, trimmed, or its default; empty when neither. */
    private Optional<String> value(String name) {
        Optional<String> given = lookup.apply(name).map(String::trim).filter(v -> !v.isEmpty());
        return given.isPresent() ? given : Optional.ofNullable(DEFAULTS.get(name));
    }

    private interface Parser<T> {
        T parse(String text) throws Exception;
    }

    private <T> T setting(String name, Parser<T> parser) {
        return setting(name, value(name).orElseThrow(() -> new IllegalStateException(name + " has no default")), parser);
    }

    private <T> T setting(String name, String text, Parser<T> parser) {
        try {
            return parser.parse(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(shownAs.apply(name) + ": " + e.getMessage(), e);
        }
    }

    private int whole(String name) {
        return setting(name, ModstampSettings::wholeNumber);
    }

    private static int wholeNumber(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number", e);
        }
    }

    private static IoKind ioKind(String text) {
        for (IoKind kind : IoKind.values()) {
            if (kind.name().equalsIgnoreCase(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + java.util.Arrays.toString(IoKind.values()));
    }

    private static double decimal(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number", e);
        }
    }
}
