package org.modstamp.server.store;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.MessageDecoder;

import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.Jedis;

/**
 * The subscription of a {@link RedisValueStore} to its channel: hears every published batch, in the order Redis
 * applied them, and subscribes again after every lost connection, each time with a snapshot of the store first
 * (what was missed while away is caught up). With sentinels or a cluster, it follows the primary: a subscription
 * stays on the node it started on, so it is ended when the primary moved. One thread listens, one follows.
 */
final class RedisSubscription {
    private static final System.Logger LOG = System.getLogger(RedisSubscription.class.getName());
    private static final long RETRY_MILLIS = 500;
    private static final long FOLLOW_MILLIS = 1_000;

    private final RedisConnections.Primary primary;
    private final String uri;
    private final boolean cluster;
    private final byte[] channel;
    /** Every value of the store, with the revision read before them: taken each time the subscription starts. */
    private final Supplier<SharedValueStore.Heard> snapshot;
    private final Consumer<SharedValueStore.Heard> heard;
    private volatile boolean closed;
    private volatile Jedis connection;
    /** The primary's address when the subscription started; null while not subscribed or for one Redis. */
    private volatile String subscribedTo;
    private Thread listener;
    private Thread follower;

    RedisSubscription(RedisConnections.Primary primary, String uri, boolean cluster, byte[] channel,
                      Supplier<SharedValueStore.Heard> snapshot, Consumer<SharedValueStore.Heard> heard) {
        this.primary = primary;
        this.uri = uri;
        this.cluster = cluster;
        this.channel = channel;
        this.snapshot = snapshot;
        this.heard = heard;
    }

    /** Starts listening on a thread of {@code threads}, and following the primary on another when it can move. */
    void start(ThreadFactory threads, boolean primaryCanMove) {
        listener = threads.newThread(this::listen);
        listener.start();
        if (primaryCanMove) {
            follower = threads.newThread(this::followPrimary);
            follower.start();
        }
    }

    /**
     * Every second, asks where the primary is (sentinels, cluster slots) and, when it moved, ends the subscription
     * ({@link #listen} starts it again there): a node that stops answering without closing the connection (a frozen
     * host, a cut cable) would otherwise never be heard from again, nor anything after it.
     */
    private void followPrimary() {
        while (!closed) {
            try {
                Thread.sleep(FOLLOW_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            String at = subscribedTo;
            Jedis subscribed = connection;
            if (at == null || subscribed == null) {
                continue;
            }
            String now;
            try {
                now = primary.current();
            } catch (RuntimeException e) {
                continue; // the sentinels or the cluster do not answer now: ask again next time
            }
            if (now != null && !now.equals(at) && subscribedTo != null) {
                LOG.log(System.Logger.Level.WARNING, "the primary of Redis " + uri + " moved from " + at + " to " + now
                        + " while subscribed: subscribing there");
                subscribedTo = null;
                subscribed.disconnect();
            }
        }
    }

    /** Subscribes, and again after every lost connection, every {@value #RETRY_MILLIS} ms until it is back. */
    private void listen() {
        while (!closed) {
            String at;
            try {
                at = primary.current();
            } catch (RuntimeException e) {
                at = null;
            }
            try (Jedis jedis = primary.borrow()) {
                connection = jedis;
                subscribedTo = at;
                if (closed) {
                    return; // close() ran while we were connecting
                }
                if (cluster) {
                    shardedSubscribe(jedis);
                } else {
                    subscribe(jedis);
                }
                // the server ended the subscription: in a cluster, the slot moved or its primary failed over
                jedis.getConnection().setBroken();
                if (!closed) {
                    LOG.log(System.Logger.Level.INFO, "Redis " + uri + " ended the subscription (the slot moved?); "
                            + "subscribing again");
                    primary.lost(new IllegalStateException("subscription ended"));
                }
            } catch (RuntimeException e) {
                subscribedTo = null;
                if (closed) {
                    return;
                }
                primary.lost(e);
                LOG.log(System.Logger.Level.WARNING, "lost Redis " + uri + " (" + e.getMessage()
                        + "); retrying every " + RETRY_MILLIS + " ms");
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void subscribe(Jedis jedis) {
        jedis.subscribe(new BinaryJedisPubSub() {
            @Override
            public void onMessage(byte[] from, byte[] message) {
                decode(message).ifPresent(heard);
            }

            @Override
            public void onSubscribe(byte[] from, int count) {
                subscribed();
            }
        }, channel);
    }

    private void shardedSubscribe(Jedis jedis) {
        jedis.getConnection().setTimeoutInfinite();
        new BinaryJedisShardedPubSub() {
            @Override
            public void onSMessage(byte[] from, byte[] message) {
                decode(message).ifPresent(heard);
            }

            @Override
            public void onSSubscribe(byte[] from, int count) {
                subscribed();
            }
        }.proceed(jedis.getConnection(), channel);
    }

    private void subscribed() {
        LOG.log(System.Logger.Level.INFO, "listening to the changes of Redis " + uri);
        heard.accept(snapshot.get());
    }

    /**
     * A published batch: a datagram of its changes as Cs, whose header's info is {@code r}, the batch's last
     * revision, {@code e} and the epoch, in decimal (an instance of before published an empty header: revision
     * and epoch unknown, -1 and 0). Empty for what is not such a datagram.
     */
    static Optional<SharedValueStore.Heard> decode(byte[] message) {
        ByteBuffer buffer = ByteBuffer.wrap(message);
        return DatagramHeader.read(buffer).flatMap(header -> MessageDecoder.decode(buffer).map(messages -> {
            long[] position = positionOf(header);
            Map<String, byte[]> changes = new LinkedHashMap<>();
            messages.forEach(m -> changes.put(m.id(), m.value()));
            return new SharedValueStore.Heard(changes, false, position[0], position[1]);
        }));
    }

    /** The revision and epoch of a header's info {@code r<revision>e<epoch>}; -1 and 0 when it is none. */
    private static long[] positionOf(DatagramHeader header) {
        String text = header.profileId();
        int e = text.indexOf('e');
        if (!header.signature().equals("r") || e < 0) {
            return new long[] {-1, 0};
        }
        try {
            return new long[] {Long.parseLong(text.substring(0, e)), Long.parseLong(text.substring(e + 1))};
        } catch (NumberFormatException bad) {
            return new long[] {-1, 0};
        }
    }

    /** Ends the subscription and waits (2 s at most per thread) for its threads to end. */
    void close() {
        closed = true;
        Jedis subscribed = connection;
        if (subscribed != null) {
            try {
                subscribed.disconnect(); // ends the blocking subscribe
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the Redis subscription", e);
            }
        }
        if (follower != null) {
            follower.interrupt();
        }
        for (Thread thread : new Thread[] {listener, follower}) {
            if (thread != null) {
                try {
                    thread.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
