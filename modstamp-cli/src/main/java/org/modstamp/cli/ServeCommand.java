package org.modstamp.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.modstamp.net.HostPort;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.settings.ModstampSettings;
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
        description = "Run a modstamp server: values in SQLite, listeners in memory.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "UDP address to bind; [::] is dual-stack (IPv4 and IPv6); port 0 picks a free port "
                    + "(default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--db", paramLabel = "FILE",
            description = "SQLite file holding the values, created if missing (default: ${DEFAULT-VALUE})")
    Path db;

    @Option(names = "--memory", description = "Keep values in memory only (lost at exit) instead of --db")
    boolean memory;

    @Option(names = "--redis", paramLabel = "URI",
            description = "Share values with other instances through Redis instead of --db: "
                    + "redis://[user:password@]host:port/db, redis-sentinel://[user:password@]s1:26379,s2:26379/"
                    + "primary-name?db=0, redis-cluster://[user:password@]n1:6379,n2:6379, or rediss://, "
                    + "rediss-sentinel:// and rediss-cluster:// for TLS; run Redis with appendonly yes "
                    + "and appendfsync always for durable changes")
    String redis;

    @Option(names = "--redis-prefix", paramLabel = "PREFIX",
            description = "Prefix of this cluster's Redis keys (default: ${DEFAULT-VALUE})")
    String redisPrefix;

    @Option(names = "--redis-replicas", paramLabel = "N",
            description = "Confirm a change (send its M) only once N Redis replicas acknowledged it (WAIT), else "
                    + "refuse it (default: ${DEFAULT-VALUE}: no waiting)")
    int redisReplicas;

    @Option(names = "--redis-replicas-timeout", paramLabel = "MS",
            description = "How long to wait for the --redis-replicas acknowledgements (default: ${DEFAULT-VALUE})")
    long redisReplicasTimeoutMillis;

    @Option(names = "--redis-password-file", paramLabel = "FILE",
            description = "Read the Redis password from the first line of FILE (or set MODSTAMP_REDIS_PASSWORD) "
                    + "rather than put it in the URI")
    Path redisPasswordFile;

    @Option(names = "--redis-truststore", paramLabel = "FILE",
            description = "CA certificates to trust for rediss:// (PEM, or a PKCS12/JKS keystore without password); "
                    + "default: the JVM's")
    Path redisTruststore;

    @Option(names = "--profile", paramLabel = "FILE",
            description = "Security profile list (JSON or YAML); default: rw for 127.0.0.1 and ::1, ro for others")
    Path profile;

    @Option(names = "--max-packet-size", paramLabel = "BYTES",
            description = "Largest datagram sent, header included (default: ${DEFAULT-VALUE})")
    int maxPacketSize;

    @Option(names = "--broadcast-repeat", paramLabel = "N",
            description = "Send each Signal datagram N times, back to back (default: ${DEFAULT-VALUE})")
    int broadcastRepeat;

    @Option(names = "--listener-ttl", paramLabel = "SECONDS",
            description = "How long a Query keeps its sender registered as a listener (default: ${DEFAULT-VALUE})")
    long listenerTtlSeconds;

    @Option(names = "--listeners-per-address", paramLabel = "N",
            description = "Most listener registrations the addresses of one network may hold together: an IPv4 "
                    + "/--ipv4-prefix, an IPv6 /--ipv6-prefix (default: ${DEFAULT-VALUE})")
    int listenersPerAddress;

    @Option(names = "--ipv4-prefix", paramLabel = "BITS",
            description = "IPv4 prefix that registrations and reply credit are counted by (default: ${DEFAULT-VALUE})")
    int ipv4Prefix;

    @Option(names = "--ipv6-prefix", paramLabel = "BITS",
            description = "IPv6 prefix (at most 64) that registrations and reply credit are counted by "
                    + "(default: ${DEFAULT-VALUE})")
    int ipv6Prefix;

    @Option(names = "--plain-listeners", paramLabel = "N",
            description = "Most listener registrations in all made by plain (unauthenticated) Queries "
                    + "(default: ${DEFAULT-VALUE})")
    int plainListeners;

    @Option(names = "--listeners", paramLabel = "N",
            description = "Most listener registrations in all; the room above --plain-listeners is for aead "
                    + "listeners (default: ${DEFAULT-VALUE})")
    int listeners;

    @Option(names = "--reply-bytes-per-second", paramLabel = "N",
            description = "Reply bytes a network may get a second beyond 3 times what came from it, for "
                    + "unauthenticated requests (default: ${DEFAULT-VALUE})")
    int replyBytesPerSecond;

    @Option(names = "--reply-burst", paramLabel = "N",
            description = "Reply credit a network starts with and may hold (default: ${DEFAULT-VALUE})")
    int replyBurst;

    @Option(names = "--signals-per-second", paramLabel = "N",
            description = "Most Signal datagrams (each --broadcast-repeat copy counts) sent to one network "
                    + "(see --ipv4-prefix) per second (default: ${DEFAULT-VALUE})")
    int signalsPerSecond;

    @Option(names = "--reply-amplification", paramLabel = "X",
            description = "A reply is at most X times its request, or one full Reply (default: ${DEFAULT-VALUE})")
    double replyAmplification;

    @Option(names = "--io", paramLabel = "KIND",
            description = "Socket I/O: AUTO (native epoll on Linux, else NIO), EPOLL or NIO (default: ${DEFAULT-VALUE})")
    IoKind io;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Sockets and threads serving the port (SO_REUSEPORT, epoll only); more than one spreads "
                    + "large fan-outs over the cores; 0: one per core (default: ${DEFAULT-VALUE})")
    int ioThreads;

    @Option(names = "--debug", description = "Log every dropped datagram and the time of large fan-outs")
    boolean debug;

    @Spec
    CommandSpec spec;

    /** The setting each option gives, by its name in {@link ModstampSettings}; its default is shown in the help. */
    private static final Map<String, String> SETTINGS = Map.ofEntries(
            Map.entry("--listen", "modstamp.listen"),
            Map.entry("--db", "modstamp.db"),
            Map.entry("--redis-prefix", "modstamp.redis.prefix"),
            Map.entry("--redis-replicas", "modstamp.redis.replicas"),
            Map.entry("--redis-replicas-timeout", "modstamp.redis.replicasTimeout"),
            Map.entry("--redis-password-file", "modstamp.redis.passwordFile"),
            Map.entry("--redis-truststore", "modstamp.redis.truststore"),
            Map.entry("--profile", "modstamp.profile"),
            Map.entry("--max-packet-size", "modstamp.maxPacketSize"),
            Map.entry("--broadcast-repeat", "modstamp.broadcastRepeat"),
            Map.entry("--listener-ttl", "modstamp.listenerTtl"),
            Map.entry("--listeners-per-address", "modstamp.limits.listenersPerAddress"),
            Map.entry("--ipv4-prefix", "modstamp.limits.ipv4Prefix"),
            Map.entry("--ipv6-prefix", "modstamp.limits.ipv6Prefix"),
            Map.entry("--plain-listeners", "modstamp.limits.plainListeners"),
            Map.entry("--listeners", "modstamp.limits.listeners"),
            Map.entry("--reply-bytes-per-second", "modstamp.limits.replyBytesPerSecond"),
            Map.entry("--reply-burst", "modstamp.limits.replyBurst"),
            Map.entry("--signals-per-second", "modstamp.limits.signalsPerSecond"),
            Map.entry("--reply-amplification", "modstamp.limits.replyAmplification"),
            Map.entry("--io", "modstamp.io"),
            Map.entry("--io-threads", "modstamp.ioThreads"));

    /** The defaults of the options, from {@link ModstampSettings#DEFAULTS}: the WAR's defaults. */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argument) {
            return argument instanceof OptionSpec option && SETTINGS.containsKey(option.longestName())
                    ? ModstampSettings.DEFAULTS.get(SETTINGS.get(option.longestName())) : null;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (debug) {
            try (var in = ServeCommand.class.getResourceAsStream("/modstamp-logging.properties")) {
                java.util.logging.LogManager.getLogManager().readConfiguration(in);
            }
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
            server = ModstampServer.start(config, transport, settings.openStore(name -> {
                throw new IllegalArgumentException("serve has no DataSource: use --db, --memory or --redis");
            }));
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
            String name = SETTINGS.get(option.longestName());
            if (name != null && option.getValue() != null) {
                values.put(name, String.valueOf((Object) option.getValue()));
            }
        }
        if (redis != null) {
            values.put("modstamp.store", "redis");
            values.put("modstamp.redis", redis);
        } else if (memory) {
            values.put("modstamp.store", "memory");
        }
        String password = System.getenv("MODSTAMP_REDIS_PASSWORD");
        if (password != null) {
            values.put("modstamp.redis.password", password);
        }
        return values;
    }

    /** A setting as the user gave it: its option, or the environment variable. */
    private static String shownAs(String setting) {
        return switch (setting) {
            case "modstamp.redis" -> "--redis";
            case "modstamp.redis.password" -> "MODSTAMP_REDIS_PASSWORD";
            default -> SETTINGS.entrySet().stream().filter(e -> e.getValue().equals(setting)).map(Map.Entry::getKey)
                    .findFirst().orElse(setting);
        };
    }
}
