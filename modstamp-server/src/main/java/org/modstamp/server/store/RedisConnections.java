package org.modstamp.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.LinkedHashSet;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.Pool;

/**
 * Connections to the primary that holds the values, as {@link RedisSettings} name it: one Redis, the
 * primary the sentinels name, or the primary of the prefix's slot in a Redis Cluster.
 */
final class RedisConnections {
    private static final int CONNECT_MILLIS = 2_000;

    private RedisConnections() {
    }

    /** Where the batch script, its WAIT and the subscription go. */
    interface Primary extends AutoCloseable {
        /** A connection to the current primary; close it to give it back. */
        Jedis borrow();

        /** A command on a borrowed connection failed with {@code cause} or was redirected: find the primary again. */
        void lost(RuntimeException cause);

        /**
         * Where the primary is now, as the sentinels or the cluster say (asking the cluster afresh); null for
         * one Redis, which does not move.
         */
        String current();

        @Override
        void close();
    }

    /** The primary for {@code settings}; {@code slotKey} is the key whose slot matters in a cluster. */
    static Primary primary(RedisSettings settings, String slotKey) throws IOException, GeneralSecurityException {
        if (settings.topology() != RedisSettings.Topology.CLUSTER) {
            Pool<Jedis> pool = pool(settings);
            return new Primary() {
                @Override
                public String current() {
                    return pool instanceof JedisSentinelPool sentinel ? sentinel.getCurrentHostMaster().toString() : null;
                }

                @Override
                public Jedis borrow() {
                    return pool.getResource();
                }

                @Override
                public void lost(RuntimeException cause) {
                    // jedis' sentinel pool follows +switch-master by itself; one Redis is where it is
                }

                @Override
                public void close() {
                    pool.close();
                }
            };
        }
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        settings.nodes().forEach(n -> seeds.add(new HostAndPort(n.host(), n.port())));
        GenericObjectPoolConfig<Connection> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(8);
        ClusterConnectionProvider cluster = new ClusterConnectionProvider(seeds, dataConfig(settings).build(), config);
        int slot = JedisClusterCRC16.getSlot(slotKey);
        return new Primary() {
            /** Where the last MOVED pointed, until the slot map agrees (the nodes learn of a failover one by one). */
            private volatile HostAndPort movedTo;

            @Override
            public Jedis borrow() {
                HostAndPort target = movedTo;
                if (target != null && !target.equals(cluster.getNode(slot))) {
                    return new Jedis(cluster.getConnection(target));
                }
                movedTo = null;
                return new Jedis(cluster.getConnectionFromSlot(slot));
            }

            @Override
            public String current() {
                renew();
                HostAndPort node = cluster.getNode(slot);
                return node == null ? null : node.toString();
            }

            @Override
            public void lost(RuntimeException cause) {
                movedTo = cause instanceof JedisMovedDataException moved ? moved.getTargetNode() : null;
                renew();
            }

            private void renew() {
                try {
                    cluster.renewSlotCache();
                } catch (RuntimeException e) { // no node answers now: the next borrow tries again
                    System.getLogger(RedisConnections.class.getName()).log(System.Logger.Level.DEBUG,
                            "renewing the Redis Cluster's slots", e);
                }
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }

    private static DefaultJedisClientConfig.Builder dataConfig(RedisSettings settings)
            throws IOException, GeneralSecurityException {
        DefaultJedisClientConfig.Builder data = base(settings)
                // a WAIT must be answered before the socket gives up on it
                .socketTimeoutMillis(CONNECT_MILLIS + (int) settings.replicasTimeout().toMillis())
                .database(settings.database());
        if (settings.user() != null) {
            data.user(settings.user());
        }
        if (settings.password() != null) {
            data.password(settings.password());
        }
        return data;
    }

    /**
     * A pool of connections to the primary. Through sentinels, jedis follows {@code +switch-master}: after a
     * failover new connections go to the promoted replica.
     */
    private static Pool<Jedis> pool(RedisSettings settings) throws IOException, GeneralSecurityException {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(8);
        config.setTestOnBorrow(false);
        DefaultJedisClientConfig.Builder data = dataConfig(settings);
        if (settings.topology() == RedisSettings.Topology.STANDALONE) {
            RedisSettings.Node node = settings.nodes().get(0);
            return new JedisPool(config, new HostAndPort(node.host(), node.port()), data.build());
        }
        Set<HostAndPort> sentinels = new LinkedHashSet<>();
        settings.nodes().forEach(n -> sentinels.add(new HostAndPort(n.host(), n.port())));
        JedisClientConfig sentinelConfig = base(settings).socketTimeoutMillis(CONNECT_MILLIS).build();
        return new JedisSentinelPool(settings.primaryName(), sentinels, config, data.build(), sentinelConfig);
    }

    private static DefaultJedisClientConfig.Builder base(RedisSettings settings)
            throws IOException, GeneralSecurityException {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(CONNECT_MILLIS).clientName("modstamp");
        if (settings.tls()) {
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            builder.ssl(true).sslParameters(parameters).sslSocketFactory(sslContext(settings).getSocketFactory());
        }
        return builder;
    }

    private static SSLContext sslContext(RedisSettings settings) throws IOException, GeneralSecurityException {
        if (settings.truststore() == null) {
            return SSLContext.getDefault();
        }
        KeyStore trusted;
        byte[] content = Files.readAllBytes(settings.truststore());
        if (new String(content, 0, Math.min(content.length, 4096), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("-----BEGIN CERTIFICATE-----")) {
            trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            try (InputStream in = Files.newInputStream(settings.truststore())) {
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("ca-" + i++, certificate);
                }
            }
        } else {
            trusted = KeyStore.getInstance(settings.truststore().toFile(), (char[]) null);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** A message for a failure to connect or read, naming what to check. Never contains the password. */
    static String explain(RedisSettings settings, Exception e) {
        Throwable access = e;
        while (access != null && !(access instanceof JedisAccessControlException)) {
            access = access.getCause();
        }
        if (access != null) {
            return "Redis refused the credentials of " + (settings.user() == null ? "the default user"
                    : "user '" + settings.user() + "'") + (settings.hasPassword() ? "" : " (no password was given)")
                    + ": " + access.getMessage();
        }
        Throwable deepest = e;
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != deepest; cause = cause.getCause()) {
            deepest = cause;
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(" (").append(cause.getMessage()).append(')');
            }
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLHandshakeException) {
                return "the TLS handshake failed (" + deepest.getMessage() + "): trust the CA of the server's "
                        + "certificate (--redis-truststore, modstamp.redis.truststore) and check that the certificate "
                        + "names the host of the URI";
            }
        }
        return message.toString();
    }
}
