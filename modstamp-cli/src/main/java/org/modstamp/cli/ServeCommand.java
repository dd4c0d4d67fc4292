package org.modstamp.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.modstamp.net.HostPort;
import org.modstamp.security.SecurityProfileLoader;
import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.AbuseLimits;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.server.store.RedisSettings;
import org.modstamp.server.store.RedisValueStore;
import org.modstamp.server.store.SqliteValueStore;
import org.modstamp.server.store.StoreException;
import org.modstamp.server.store.ValueStore;
import org.modstamp.server.transport.IoKind;
import org.modstamp.server.transport.TransportConfig;
import org.modstamp.wire.DatagramPacker;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code modstamp serve}: runs a server until it is stopped (Ctrl-C or SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a modstamp server: values in SQLite, listeners in memory.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "[::]:1415",
            description = "UDP address to bind; [::] is dual-stack (IPv4 and IPv6); port 0 picks a free port "
                    + "(default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--db", paramLabel = "FILE", defaultValue = "modstamp.db",
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

    @Option(names = "--redis-prefix", paramLabel = "PREFIX", defaultValue = "modstamp:",
            description = "Prefix of this cluster's Redis keys (default: ${DEFAULT-VALUE})")
    String redisPrefix;

    @Option(names = "--redis-replicas", paramLabel = "N", defaultValue = "0",
            description = "Confirm a change (send its M) only once N Redis replicas acknowledged it (WAIT), else "
                    + "refuse it (default: ${DEFAULT-VALUE}: no waiting)")
    int redisReplicas;

    @Option(names = "--redis-replicas-timeout", paramLabel = "MS", defaultValue = "500",
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

    @Option(names = "--max-packet-size", paramLabel = "BYTES", defaultValue = "1300",
            description = "Largest datagram sent, header included (default: ${DEFAULT-VALUE})")
    int maxPacketSize = DatagramPacker.DEFAULT_MAX_PACKET_SIZE;

    @Option(names = "--broadcast-repeat", paramLabel = "N", defaultValue = "1",
            description = "Send each Signal datagram N times, back to back (default: ${DEFAULT-VALUE})")
    int broadcastRepeat;

    @Option(names = "--listener-ttl", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long a Query keeps its sender registered as a listener (default: ${DEFAULT-VALUE})")
    long listenerTtlSeconds;

    @Option(names = "--listeners-per-address", paramLabel = "N", defaultValue = "100000",
            description = "Most listener registrations the addresses of one network may hold together: an IPv4 "
                    + "/--ipv4-prefix, an IPv6 /--ipv6-prefix (default: ${DEFAULT-VALUE})")
    int listenersPerAddress;

    @Option(names = "--ipv4-prefix", paramLabel = "BITS", defaultValue = "24",
            description = "IPv4 prefix that registrations and reply credit are counted by (default: ${DEFAULT-VALUE})")
    int ipv4Prefix;

    @Option(names = "--ipv6-prefix", paramLabel = "BITS", defaultValue = "64",
            description = "IPv6 prefix (at most 64) that registrations and reply credit are counted by "
                    + "(default: ${DEFAULT-VALUE})")
    int ipv6Prefix;

    @Option(names = "--plain-listeners", paramLabel = "N", defaultValue = "250000",
            description = "Most listener registrations in all made by plain (unauthenticated) Queries "
                    + "(default: ${DEFAULT-VALUE})")
    int plainListeners;

    @Option(names = "--listeners", paramLabel = "N", defaultValue = "1000000",
            description = "Most listener registrations in all; the room above --plain-listeners is for aead "
                    + "listeners (default: ${DEFAULT-VALUE})")
    int listeners;

    @Option(names = "--reply-bytes-per-second", paramLabel = "N", defaultValue = "65536",
            description = "Reply bytes a network may get a second beyond 3 times what came from it, for "
                    + "unauthenticated requests (default: ${DEFAULT-VALUE})")
    int replyBytesPerSecond;

    @Option(names = "--reply-burst", paramLabel = "N", defaultValue = "262144",
            description = "Reply credit a network starts with and may hold (default: ${DEFAULT-VALUE})")
    int replyBurst;

    @Option(names = "--signals-per-second", paramLabel = "N", defaultValue = "10000",
            description = "Most Signal datagrams (each --broadcast-repeat copy counts) sent to one network "
                    + "(see --ipv4-prefix) per second (default: ${DEFAULT-VALUE})")
    int signalsPerSecond;

    @Option(names = "--reply-amplification", paramLabel = "X", defaultValue = "3.0",
            description = "A reply is at most X times its request, or one full Reply (default: ${DEFAULT-VALUE})")
    double replyAmplification;

    @Option(names = "--io", paramLabel = "KIND", defaultValue = "AUTO",
            description = "Socket I/O: AUTO (native epoll on Linux, else NIO), EPOLL or NIO (default: ${DEFAULT-VALUE})")
    IoKind io;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1",
            description = "Sockets and threads serving the port (SO_REUSEPORT, epoll only); more than one spreads "
                    + "large fan-outs over the cores; 0: one per core (default: ${DEFAULT-VALUE})")
    int ioThreads;

    @Option(names = "--debug", description = "Log every dropped datagram and the time of large fan-outs")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        if (debug) {
            try (var in = ServeCommand.class.getResourceAsStream("/modstamp-logging.properties")) {
                java.util.logging.LogManager.getLogManager().readConfiguration(in);
            }
        }
        ServerConfig config;
        TransportConfig transport;
        try {
            SecurityProfiles profiles = profile == null ? SecurityProfiles.serverDefault()
                    : SecurityProfileLoader.load(profile);
            config = new ServerConfig(HostPort.parse(listen, ServerConfig.DEFAULT_PORT).resolve(), maxPacketSize,
                    broadcastRepeat, Duration.ofSeconds(listenerTtlSeconds), profiles,
                    new AbuseLimits(listenersPerAddress, signalsPerSecond, replyAmplification, 600, ipv4Prefix,
                            ipv6Prefix, plainListeners, listeners, replyBytesPerSecond, replyBurst),
                    ServerClock.system());
            transport = new TransportConfig(io, ioThreads);
        } catch (IllegalArgumentException | IllegalStateException | java.io.IOException e) {
            System.err.println("modstamp serve: " + e.getMessage());
            return 2;
        }
        RedisSettings redisSettings = null;
        if (redis != null) {
            try {
                redisSettings = RedisSettings.of(redis, redisPrefix, redisReplicas,
                        Duration.ofMillis(redisReplicasTimeoutMillis), System.getenv("MODSTAMP_REDIS_PASSWORD"),
                        redisPasswordFile, redisTruststore);
            } catch (IllegalArgumentException e) {
                System.err.println("modstamp serve: " + e.getMessage());
                return 2;
            }
        }
        ModstampServer server;
        try {
            ValueStore store = redisSettings != null ? RedisValueStore.open(redisSettings)
                    : memory ? new MemoryValueStore() : SqliteValueStore.open(db);
            server = ModstampServer.start(config, transport, store);
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
                + (redisSettings != null ? " (values in " + redisSettings + ")"
                        : memory ? " (values in memory)" : " (values in " + db.toAbsolutePath() + ")"));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
