package org.modstamp.server.store;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to reach the Redis a cluster of instances shares, parsed once for the CLI and the WAR. The URI names
 * the topology:
 * <ul>
 * <li>{@code redis://[user:password@]host[:6379][/db]}: one Redis;</li>
 * <li>{@code redis-sentinel://[user:password@]s1[:26379],s2[:26379],.../primary-name[?db=N]}: the primary
 * that the sentinels name (followed through failovers);</li>
 * <li>{@code redis-cluster://[user:password@]seed1[:6379],seed2[:6379],...}: a Redis Cluster, found from any
 * of the seed nodes (database 0, the only one a cluster has);</li>
 * </ul>
 * with {@code rediss}, {@code rediss-sentinel} and {@code rediss-cluster} for TLS (to the sentinels too). The password may instead
 * come from a file or from the environment, so it is not on a command line; it is never printed:
 * {@link #toString()} and {@link #redactedUri()} show {@code ***} in its place.
 */
public final class RedisSettings {
    /** What the URI names. */
    public enum Topology {
        /** One Redis (its replicas, if any, are not known to us). */
        STANDALONE,
        /** The primary named by a set of sentinels. */
        SENTINEL,
        /** A Redis Cluster: the primary of the slot the prefix's keys hash to. */
        CLUSTER
    }

    /** A host and port, IPv6 literals without brackets. */
    public record Node(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public static final int DEFAULT_PORT = 6379;
    public static final int DEFAULT_SENTINEL_PORT = 26379;
    public static final Duration DEFAULT_REPLICAS_TIMEOUT = Duration.ofMillis(500);
    private static final String FORMS = "redis://[user:password@]host[:port][/db], "
            + "redis-sentinel://[user:password@]host[:port],host[:port],.../primary-name[?db=N], "
            + "redis-cluster://[user:password@]host[:port],host[:port],..., or the same with rediss for TLS";

    private final Topology topology;
    private final boolean tls;
    private final List<Node> nodes;
    private final String primaryName;
    private final int database;
    private final String user;
    private final String password;
    private final String prefix;
    private final int replicas;
    private final Duration replicasTimeout;
    private final Path truststore;

    private RedisSettings(Topology topology, boolean tls, List<Node> nodes, String primaryName, int database,
            String user, String password, String prefix, int replicas, Duration replicasTimeout, Path truststore) {
        this.topology = topology;
        this.tls = tls;
        this.nodes = List.copyOf(nodes);
        this.primaryName = primaryName;
        this.database = database;
        this.user = user;
        this.password = password;
        this.prefix = prefix;
        this.replicas = replicas;
        this.replicasTimeout = replicasTimeout;
        this.truststore = truststore;
    }

    /**
     * Parses one of the URI forms; the key prefix is {@code modstamp:}, no replica acknowledgement is
     * waited for. A mistake throws IllegalArgumentException naming the URI without its password.
     */
    public static RedisSettings parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        String text = uri.trim();
        int schemeEnd = text.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd);
        Topology topology = switch (scheme) {
            case "redis", "rediss" -> Topology.STANDALONE;
            case "redis-sentinel", "rediss-sentinel" -> Topology.SENTINEL;
            case "redis-cluster", "rediss-cluster" -> Topology.CLUSTER;
            default -> throw new IllegalArgumentException("Redis URI " + redact(text) + ": the scheme must be "
                    + "redis, rediss, redis-sentinel, rediss-sentinel, redis-cluster or rediss-cluster (" + FORMS + ")");
        };
        boolean tls = scheme.startsWith("rediss");
        String rest = text.substring(schemeEnd + 3);
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String rawUser = colon < 0 ? userInfo : userInfo.substring(0, colon);
            user = rawUser.isEmpty() ? null : decode(rawUser, "user", text);
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1), "password", text);
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String shown = redact(text);
        int defaultPort = topology == Topology.SENTINEL ? DEFAULT_SENTINEL_PORT : DEFAULT_PORT;
        List<Node> nodes = new ArrayList<>();
        for (String hostPort : rest.split(",", -1)) {
            nodes.add(node(hostPort.trim(), defaultPort, shown));
        }
        if (topology == Topology.STANDALONE && nodes.size() != 1) {
            throw new IllegalArgumentException("Redis URI " + shown + ": redis:// names one host; "
                    + "for several, name the sentinels (redis-sentinel://) or the cluster's nodes (redis-cluster://)");
        }
        String primaryName = null;
        Integer database = null;
        if (topology == Topology.STANDALONE) {
            if (!path.isEmpty()) {
                database = number(path, "database", shown);
            }
        } else if (topology == Topology.CLUSTER) {
            if (!path.isEmpty() || query != null) {
                throw new IllegalArgumentException("Redis URI " + shown + ": a Redis Cluster has database 0 only; "
                        + "give just the seed nodes, as in redis-cluster://n1:6379,n2:6379");
            }
        } else {
            if (path.isEmpty() || path.contains("/")) {
                throw new IllegalArgumentException("Redis URI " + shown + ": name the primary the sentinels "
                        + "monitor after the hosts, as in redis-sentinel://s1:26379,s2:26379/mymaster");
            }
            primaryName = decode(path, "primary name", text);
        }
        if (query != null && !query.isEmpty()) {
            for (String parameter : query.split("&")) {
                int eq = parameter.indexOf('=');
                String name = eq < 0 ? parameter : parameter.substring(0, eq);
                String value = eq < 0 ? "" : parameter.substring(eq + 1);
                if (!name.equals("db")) {
                    throw new IllegalArgumentException("Redis URI " + shown + ": unknown parameter '" + name
                            + "' (the only one is db)");
                }
                if (database != null) {
                    throw new IllegalArgumentException("Redis URI " + shown + ": the database is given twice");
                }
                database = number(value, "database", shown);
            }
        }
        return new RedisSettings(topology, tls, nodes, primaryName, database == null ? 0 : database, user,
                password, "modstamp:", 0, DEFAULT_REPLICAS_TIMEOUT, null);
    }

    /**
     * Every setting at once, as the CLI and the WAR take them: the URI, then what may be left blank (null
     * or blank: not given) to keep the default. {@code password} is the secret itself (from an environment
     * variable, say), {@code passwordFile} a file whose first line is the secret.
     */
    public static RedisSettings of(String uri, String prefix, int replicas, Duration replicasTimeout, String password,
            Path passwordFile, Path truststore) {
        return parse(uri).withPrefix(prefix).withReplicas(replicas, replicasTimeout).withPassword(password, passwordFile)
                .withTruststore(truststore);
    }

    private static Node node(String hostPort, int defaultPort, String shown) {
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("Redis URI " + shown + ": '" + hostPort + "' lacks its ']'");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("Redis URI " + shown + ": bad host '" + hostPort + "'");
                }
                port = after.substring(1);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("Redis URI " + shown + ": a host is missing");
        }
        int number = port == null ? defaultPort : number(port, "port", shown);
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException("Redis URI " + shown + ": port " + number + " is not in 1..65535");
        }
        return new Node(host, number);
    }

    private static int number(String text, String what, String shown) {
        try {
            int n = Integer.parseInt(text);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Redis URI " + shown + ": the " + what + " '" + text
                    + "' is not a number (0 or more)");
        }
    }

    private static String decode(String text, String what, String uri) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) { // its message quotes the text: not for a password
            throw new IllegalArgumentException("Redis URI " + redact(uri) + ": the " + what
                    + " has a '%' that is not followed by two hex digits (percent-encode it as %25)");
        }
    }

    /** The URI with any password replaced by {@code ***}; for messages about a URI that did not parse. */
    static String redact(String uri) {
        int schemeEnd = uri.indexOf("://");
        int start = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int at = uri.lastIndexOf('@'); // the last one: a password with an unescaped '@' or '/' is hidden too
        if (at < start) {
            return uri;
        }
        int colon = uri.indexOf(':', start);
        return colon >= 0 && colon < at ? uri.substring(0, colon) + ":***" + uri.substring(at) : uri;
    }

    /** Prefix of the cluster's keys and channel ({@code modstamp:} by default). */
    public RedisSettings withPrefix(String newPrefix) {
        if (newPrefix == null || newPrefix.isEmpty()) {
            throw new IllegalArgumentException("the Redis key prefix must not be empty");
        }
        return new RedisSettings(topology, tls, nodes, primaryName, database, user, password, newPrefix, replicas,
                replicasTimeout, truststore);
    }

    /**
     * Confirm a change only once {@code count} replicas acknowledged it ({@code WAIT count timeout}); 0 does
     * not wait.
     */
    public RedisSettings withReplicas(int count, Duration timeout) {
        if (count < 0 || count > 16) {
            throw new IllegalArgumentException("Redis replicas to wait for: " + count + " is not in 0..16");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > 60_000) {
            throw new IllegalArgumentException("Redis replicas timeout: " + timeout.toMillis()
                    + " ms is not in 1..60000 ms");
        }
        return new RedisSettings(topology, tls, nodes, primaryName, database, user, password, prefix, count,
                timeout, truststore);
    }

    /**
     * The password, from the first of these that is given (null or blank: not given): inline, or the first
     * line of {@code file}. A password in the URI too is a mistake.
     */
    public RedisSettings withPassword(String inline, Path file) {
        boolean hasInline = inline != null && !inline.isBlank();
        if (hasInline && file != null) {
            throw new IllegalArgumentException("the Redis password is given both inline and as the file " + file
                    + ": give one");
        }
        String secret;
        if (file != null) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                secret = lines.isEmpty() ? "" : lines.get(0).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the Redis password file " + file + ": " + e, e);
            }
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("the Redis password file " + file + " is empty");
            }
        } else if (hasInline) {
            secret = inline.strip();
        } else {
            return this;
        }
        if (password != null) {
            throw new IllegalArgumentException("Redis URI " + redactedUri() + " has a password already: give it "
                    + "in the URI or separately, not both");
        }
        return new RedisSettings(topology, tls, nodes, primaryName, database, user, secret, prefix, replicas,
                replicasTimeout, truststore);
    }

    /**
     * The certificates to trust for TLS (a PEM file of CA certificates, or a PKCS12/JKS keystore without a
     * password); null: the JVM's default truststore.
     */
    public RedisSettings withTruststore(Path file) {
        if (file != null && !Files.isReadable(file)) {
            throw new IllegalArgumentException("the Redis truststore " + file + " is not a readable file");
        }
        if (file != null && !tls) {
            throw new IllegalArgumentException("a Redis truststore is given, but " + redactedUri()
                    + " is not a TLS URI (rediss://, rediss-sentinel:// or rediss-cluster://)");
        }
        return new RedisSettings(topology, tls, nodes, primaryName, database, user, password, prefix, replicas,
                replicasTimeout, file);
    }

    public Topology topology() {
        return topology;
    }

    public boolean tls() {
        return tls;
    }

    /** The Redis (standalone), the sentinels, or the cluster's seed nodes. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The name the sentinels know the primary by; null for a standalone Redis. */
    public String primaryName() {
        return primaryName;
    }

    public int database() {
        return database;
    }

    /** The ACL user, null for the default user. */
    public String user() {
        return user;
    }

    /** The password, null for none; never print it. */
    String password() {
        return password;
    }

    public boolean hasPassword() {
        return password != null;
    }

    public String prefix() {
        return prefix;
    }

    public int replicas() {
        return replicas;
    }

    public Duration replicasTimeout() {
        return replicasTimeout;
    }

    /** The truststore, null for the JVM's default. */
    public Path truststore() {
        return truststore;
    }

    /** The URI in its canonical form, with {@code ***} for the password. */
    public String redactedUri() {
        StringBuilder b = new StringBuilder(tls ? "rediss" : "redis");
        b.append(topology == Topology.SENTINEL ? "-sentinel://" : topology == Topology.CLUSTER ? "-cluster://" : "://");
        if (user != null || password != null) {
            b.append(user == null ? "" : user).append(password == null ? "" : ":***").append('@');
        }
        b.append(String.join(",", nodes.stream().map(Node::toString).toList()));
        if (topology == Topology.SENTINEL) {
            b.append('/').append(primaryName).append("?db=").append(database);
        } else if (topology == Topology.STANDALONE) {
            b.append('/').append(database);
        }
        return b.toString();
    }

    /** For logs and the status page: the redacted URI, the prefix, and the replicas waited for. */
    @Override
    public String toString() {
        return redactedUri() + " (prefix " + prefix + (replicas > 0 ? ", " + replicas + " replica(s) acknowledge "
                + "each change within " + replicasTimeout.toMillis() + " ms" : "") + ")";
    }
}
