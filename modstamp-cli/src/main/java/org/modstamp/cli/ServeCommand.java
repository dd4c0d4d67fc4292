package org.modstamp.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.modstamp.net.HostPort;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.settings.ModstampSettings;
import org.modstamp.server.settings.Setting;
import org.modstamp.server.settings.Settings;
import org.modstamp.server.store.DriverDataSource;
import org.modstamp.server.store.StoreException;
import org.modstamp.server.transport.IoKind;
import org.modstamp.server.transport.TransportConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modstamp serve}: runs a server until it is stopped (Ctrl-C or SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true, defaultValueProvider = ServeCommand.Defaults.class,
        resourceBundle = "org.modstamp.cli.ServeHelp",
        description = "Run a modstamp server: values in SQLite, listeners in memory.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT")
    String listen;

    @Option(names = "--db", paramLabel = "FILE")
    Path db;

    @Option(names = "--memory", description = "Keep values in memory only (lost at exit) instead of --db")
    boolean memory;

    @Option(names = "--jdbc", paramLabel = "URL", description = "Keep values in PostgreSQL, MariaDB or MySQL "
            + "instead of --db: jdbc:postgresql://host:5432/db?user=name, jdbc:mariadb://host:3306/db?user=name; "
            + "the password in the environment variable MODSTAMP_JDBC_PASSWORD (or in the URL); the table modstamps "
            + "is created when missing")
    String jdbc;

    @Option(names = "--redis", paramLabel = "URI")
    String redis;

    @Option(names = "--redis-prefix", paramLabel = "PREFIX")
    String redisPrefix;

    @Option(names = "--redis-replicas", paramLabel = "N")
    int redisReplicas;

    @Option(names = "--redis-replicas-timeout", paramLabel = "MS")
    long redisReplicasTimeoutMillis;

    @Option(names = "--redis-password-file", paramLabel = "FILE")
    Path redisPasswordFile;

    @Option(names = "--redis-truststore", paramLabel = "FILE")
    Path redisTruststore;

    @Option(names = "--profile", paramLabel = "FILE")
    Path profile;

    @Option(names = "--max-packet-size", paramLabel = "BYTES")
    int maxPacketSize;

    @Option(names = "--broadcast-repeat", paramLabel = "N")
    int broadcastRepeat;

    @Option(names = "--listener-ttl", paramLabel = "SECONDS")
    long listenerTtlSeconds;

    @Option(names = "--listeners-per-address", paramLabel = "N")
    int listenersPerAddress;

    @Option(names = "--ipv4-prefix", paramLabel = "BITS")
    int ipv4Prefix;

    @Option(names = "--ipv6-prefix", paramLabel = "BITS")
    int ipv6Prefix;

    @Option(names = "--plain-listeners", paramLabel = "N")
    int plainListeners;

    @Option(names = "--listeners", paramLabel = "N")
    int listeners;

    @Option(names = "--reply-bytes-per-second", paramLabel = "N")
    int replyBytesPerSecond;

    @Option(names = "--reply-burst", paramLabel = "N")
    int replyBurst;

    @Option(names = "--signals-per-second", paramLabel = "N")
    int signalsPerSecond;

    @Option(names = "--reply-amplification", paramLabel = "X")
    double replyAmplification;

    @Option(names = "--io", paramLabel = "KIND")
    IoKind io;

    @Option(names = "--io-threads", paramLabel = "N")
    int ioThreads;

    @Option(names = "--debug", description = "Log every dropped datagram and the time of large fan-outs")
    boolean debug;

    @Spec
    CommandSpec spec;

    /** The option that switches the store to Redis: its value is a setting, but it has no default of its own. */
    private static final String REDIS = "--redis";

    /** The setting an option gives ({@link Settings}), unless it switches the store. */
    private static Optional<Setting> settingOf(OptionSpec option) {
        return REDIS.equals(option.longestName()) ? Optional.empty() : Settings.ofOption(option.longestName());
    }

    /** The defaults of the options, from {@link Settings}: the WAR's defaults. */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argument) {
            return argument instanceof OptionSpec option ? settingOf(option).map(Setting::defaultValue).orElse(null) : null;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (debug) {
            try (var in = ServeCommand.class.getResourceAsStream("/modstamp-logging.properties")) {
                java.util.logging.LogManager.getLogManager().readConfiguration(in);
            }
        }
        boolean dbGiven = spec.commandLine().getParseResult().hasMatchedOption("--db");
        if (Stream.of(dbGiven, redis != null, memory, jdbc != null).filter(chosen -> chosen).count() > 1) {
            System.err.println("modstamp serve: choose one of --db, --jdbc, --memory and --redis");
            return 2;
        }
        Map<String, String> given = settings();
        ModstampSettings settings = ModstampSettings.from(name -> Optional.ofNullable(given.get(name)),
                ServeCommand::shownAs);
        ServerConfig config;
        TransportConfig transport;
        String values;
        try {
            config = settings.serverConfig();
            transport = settings.transportConfig();
            values = settings.describeStore(); // the store's settings checked, before anything is opened
        } catch (IllegalArgumentException e) {
            System.err.println("modstamp serve: " + e.getMessage());
            return 2;
        }
        ModstampServer server;
        try {
            server = ModstampServer.start(config, transport, settings.openStore(
                    url -> new DriverDataSource(url, System.getenv("MODSTAMP_JDBC_PASSWORD"))));
        } catch (StoreException | java.io.IOException | IllegalArgumentException e) {
            System.err.println("modstamp serve: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "modstamp-shutdown"));
        InetSocketAddress bound = server.localAddress();
        String host = bound.getAddress().isAnyLocalAddress()
                ? (bound.getAddress() instanceof java.net.Inet6Address ? "::" : "0.0.0.0")
                : bound.getAddress().getHostAddress();
        System.out.println("modstamp server listening on udp " + new HostPort(host, bound.getPort())
                + " (values in " + values + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The options given (or defaulted) under the names of their settings; the Redis password from the environment. */
    private Map<String, String> settings() {
        Map<String, String> values = new HashMap<>();
        for (OptionSpec option : spec.options()) {
            Optional<Setting> setting = settingOf(option);
            if (setting.isPresent() && option.getValue() != null) {
                values.put(setting.get().name(), String.valueOf((Object) option.getValue()));
            }
        }
        if (redis != null) {
            values.put(Settings.STORE.name(), "redis");
            values.put(Settings.REDIS.name(), redis);
        } else if (memory) {
            values.put(Settings.STORE.name(), "memory");
        } else if (jdbc != null) {
            values.put(Settings.STORE.name(), "jdbc");
            values.put(Settings.DATASOURCE.name(), jdbc);
        }
        String password = System.getenv("MODSTAMP_REDIS_PASSWORD");
        if (password != null) {
            values.put(Settings.REDIS_PASSWORD.name(), password);
        }
        return values;
    }

    /** A setting as the user gave it: its option, or the environment variable. */
    private static String shownAs(String setting) {
        if (setting.equals(Settings.REDIS_PASSWORD.name())) {
            return "MODSTAMP_REDIS_PASSWORD";
        }
        return Settings.named(setting).map(Setting::option).orElse(setting);
    }
}
