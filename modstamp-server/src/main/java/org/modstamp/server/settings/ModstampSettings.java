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
 * passes MicroProfile Config lookups, {@code modstamp serve} its options under these names. A setting is
 * declared once, in {@link Settings} (name, option, default, help), and parsed and checked here. Every mistake
 * throws an IllegalArgumentException that starts with the name of the setting, as the caller shows it ({@code
 * modstamp.listen} to the WAR, {@code --listen} to the CLI).
 */
public final class ModstampSettings {
    /** Looks a DataSource up by name (JNDI in an application server). */
    @FunctionalInterface
    public interface DataSources {
        DataSource lookup(String name) throws Exception;
    }

    /** Every setting with its default ({@link Settings}); those without one are optional (not given: not used). */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> defaults = new LinkedHashMap<>();
        Settings.ALL.stream().filter(setting -> setting.defaultValue() != null)
                .forEach(setting -> defaults.put(setting.name(), setting.defaultValue()));
        DEFAULTS = java.util.Collections.unmodifiableMap(defaults);
    }

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
        var listen = setting(Settings.LISTEN, text -> HostPort.parse(text, ServerConfig.DEFAULT_PORT).resolve());
        int maxPacketSize = setting(Settings.MAX_PACKET_SIZE,
                text -> defaults.withMaxPacketSize(wholeNumber(text)).maxPacketSize());
        int broadcastRepeat = setting(Settings.BROADCAST_REPEAT,
                text -> defaults.withBroadcastRepeat(wholeNumber(text)).broadcastRepeat());
        Duration listenerTtl = setting(Settings.LISTENER_TTL,
                text -> defaults.withListenerTtl(Duration.ofSeconds(wholeNumber(text))).listenerTtl());
        SecurityProfiles profiles = profiles();
        AbuseLimits limits = limits();
        // what is left to check is whether an aead profile's overhead fits in maxPacketSize
        return setting(Settings.MAX_PACKET_SIZE, String.valueOf(maxPacketSize), text -> new ServerConfig(listen,
                maxPacketSize, broadcastRepeat, listenerTtl, profiles, limits, defaults.clock()));
    }

    /** What one source may cost: the {@code modstamp.limits.*} settings. */
    public AbuseLimits limits() {
        int listenersPerAddress = whole(Settings.LISTENERS_PER_ADDRESS);
        int signalsPerSecond = whole(Settings.SIGNALS_PER_SECOND);
        double replyAmplification = setting(Settings.REPLY_AMPLIFICATION, ModstampSettings::decimal);
        int ipv4Prefix = whole(Settings.IPV4_PREFIX);
        int ipv6Prefix = whole(Settings.IPV6_PREFIX);
        int plainListeners = whole(Settings.PLAIN_LISTENERS);
        int listeners = whole(Settings.LISTENERS);
        int replyBytesPerSecond = whole(Settings.REPLY_BYTES_PER_SECOND);
        int replyBurst = whole(Settings.REPLY_BURST);
        try {
            return new AbuseLimits(listenersPerAddress, signalsPerSecond, replyAmplification,
                    AbuseLimits.defaults().replyAllowance(), ipv4Prefix, ipv6Prefix, plainListeners, listeners,
                    replyBytesPerSecond, replyBurst);
        } catch (InvalidLimitException e) {
            String name = Settings.ofLimit(e.component()).map(Setting::name).orElse("modstamp.limits");
            throw new IllegalArgumentException(shownAs.apply(name) + ": " + e.getMessage(), e);
        }
    }

    /** How the UDP port is served: {@code modstamp.io} and {@code modstamp.ioThreads}. */
    public TransportConfig transportConfig() {
        IoKind io = setting(Settings.IO, ModstampSettings::ioKind);
        int threads = setting(Settings.IO_THREADS, text -> TransportConfig.checkThreads(wholeNumber(text)));
        return setting(Settings.IO_THREADS, String.valueOf(threads), text -> new TransportConfig(io, threads));
    }

    /** Which store {@code modstamp.store} names: sqlite (the default), jdbc, memory or redis. */
    public String storeKind() {
        return setting(Settings.STORE, text -> switch (text) {
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
                String given = value(Settings.DATASOURCE).orElseThrow();
                String name = withoutSecrets(given); // messages show no password
                try {
                    yield JdbcValueStore.open(setting(Settings.DATASOURCE, dataSources::lookup), name);
                } catch (StoreException e) { // a driver may quote the URL it was given ("No suitable driver for ...")
                    throw new StoreException(e.getMessage().replace(given, name), e.getCause());
                }
            }
            case "memory" -> new MemoryValueStore();
            default -> RedisValueStore.open(redisSettings());
        };
    }

    /** Where the values are (never a password): checks the store's settings without opening it. */
    public String describeStore() {
        return switch (storeKind()) {
            case "sqlite" -> db().toAbsolutePath().toString();
            case "jdbc" -> "the DataSource " + withoutSecrets(value(Settings.DATASOURCE).orElseThrow());
            case "memory" -> "memory";
            default -> redisSettings().toString();
        };
    }

    /**
     * A JNDI name, or a JDBC URL without what may hold a password: its parameters ({@code ?...}, {@code ;...}) and
     * the user information of its authority ({@code //user:password@}).
     */
    static String withoutSecrets(String dataSource) {
        String url = dataSource.replaceFirst("//[^/@]*@", "//");
        int parameters = url.indexOf('?');
        int semicolon = url.indexOf(';');
        int cut = parameters < 0 ? semicolon : semicolon < 0 ? parameters : Math.min(parameters, semicolon);
        return cut < 0 ? url : url.substring(0, cut);
    }

    /** The {@code modstamp.redis.*} settings, parsed by {@link RedisSettings}. */
    public RedisSettings redisSettings() {
        int replicas = whole(Settings.REDIS_REPLICAS);
        Duration timeout = setting(Settings.REDIS_REPLICAS_TIMEOUT, text -> Duration.ofMillis(Long.parseLong(text)));
        String password = value(Settings.REDIS_PASSWORD).orElse(null);
        Path passwordFile = value(Settings.REDIS_PASSWORD_FILE).map(Path::of).orElse(null);
        Path truststore = value(Settings.REDIS_TRUSTSTORE).map(Path::of).orElse(null);
        String prefix = value(Settings.REDIS_PREFIX).orElseThrow();
        return setting(Settings.REDIS, text -> RedisSettings.of(text, prefix, replicas, timeout, password,
                passwordFile, truststore));
    }

    /** The SQLite file, {@code modstamp.db}. */
    public Path db() {
        return setting(Settings.DB, Path::of);
    }

    private SecurityProfiles profiles() {
        Optional<String> inline = value(Settings.PROFILE_INLINE);
        if (inline.isPresent()) {
            return setting(Settings.PROFILE_INLINE,
                    text -> SecurityProfileLoader.parse(text, SecurityProfileLoader.Format.YAML));
        }
        Optional<String> file = value(Settings.PROFILE);
        return file.isEmpty() ? SecurityProfiles.serverDefault()
                : setting(Settings.PROFILE, text -> SecurityProfileLoader.load(Path.of(text)));
    }

    /** The setting's value, trimmed, or its default; empty when neither. */
    private Optional<String> value(Setting setting) {
        Optional<String> given = lookup.apply(setting.name()).map(String::trim).filter(v -> !v.isEmpty());
        return given.isPresent() ? given : Optional.ofNullable(setting.defaultValue());
    }

    private interface Parser<T> {
        T parse(String text) throws Exception;
    }

    private <T> T setting(Setting setting, Parser<T> parser) {
        return setting(setting, value(setting).orElseThrow(() -> new IllegalStateException(setting.name()
                + " has no default")), parser);
    }

    private <T> T setting(Setting setting, String text, Parser<T> parser) {
        try {
            return parser.parse(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(shownAs.apply(setting.name()) + ": " + e.getMessage(), e);
        }
    }

    private int whole(Setting setting) {
        return setting(setting, ModstampSettings::wholeNumber);
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
