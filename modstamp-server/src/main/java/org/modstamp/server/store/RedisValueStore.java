package org.modstamp.server.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;
import org.modstamp.wire.Watches;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Values in Redis, shared by every server instance configured with the same Redis and key prefix: a hash
 * {@code <prefix>values} (id to value), a counter {@code <prefix>revision} (the store's revision), a key
 * {@code <prefix>epoch} (set once, by the first instance) and a pub/sub channel {@code <prefix>changes}. A batch
 * of changes is one Lua script (HSET/HDEL, INCRBY of the revision, then one PUBLISH of the batch with its last
 * revision and epoch in its header's info, {@code r<revision>e<epoch>}, which instances of before skip; only if they all
 * succeeded; atomic, so every instance hears batches in the order Redis applied them and agrees on every change's
 * revision); with {@code appendonly yes} and {@code appendfsync always} a
 * change is on disk when the script returns. With {@link RedisSettings#replicas()} N, the script is
 * followed by {@code WAIT N timeout} on the same connection, and the batch fails unless N replicas
 * acknowledged it (it may then be in Redis and heard all the same: the client's resend is harmless). In a
 * Redis Cluster the keys are {@code {<prefix>}values} and the sharded channel {@code {<prefix>}changes}
 * (one hash slot, so the script stays atomic), published with SPUBLISH and heard with SSUBSCRIBE from the
 * slot's primary, followed when the slot moves or fails over. Queries are answered from a local copy, loaded at start and kept current from the
 * channel: they never wait on Redis. If the connection is lost, changes fail (no M) until Redis is back;
 * the {@link RedisSubscription} reconnects by itself and reloads the hash, so what was missed is caught up (and
 * signalled). Never FLUSHALL, KEYS or SCAN on the request path.
 */
public final class RedisValueStore extends CachedValueStore implements SharedValueStore {
    private static final System.Logger LOG = System.getLogger(RedisValueStore.class.getName());
    /**
     * Sets (or, for an empty value, deletes) each id and then publishes the batch, atomically: if a write
     * fails, the script stops before the PUBLISH, so no instance hears of a change that was not stored.
     */
    private static final String STORE_AND_PUBLISH = """
            for i = 1, #ARGV - 2, 2 do
              if ARGV[i + 1] == '' then
                redis.call('HDEL', KEYS[1], ARGV[i])
              else
                redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
              end
            end
            if redis.call('EXISTS', KEYS[3]) == 0 or redis.call('EXISTS', KEYS[4]) == 0 then
              redis.call('SET', KEYS[4], ARGV[#ARGV - 1])
            end
            local revision = redis.call('INCRBY', KEYS[3], (#ARGV - 2) / 2)
            local info = 'r' .. revision .. 'e' .. redis.call('GET', KEYS[4])
            redis.call('%s', KEYS[2], string.char(#info) .. info .. string.sub(ARGV[#ARGV], 2))
            return revision
            """;

    /** Atomically, so that instances starting together agree: a new epoch where the count is missing. */
    private static final byte[] INIT_POSITION = """
            if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[2]) == 0 then
              redis.call('SET', KEYS[2], ARGV[1])
              redis.call('SET', KEYS[1], '0')
            end
            return {redis.call('GET', KEYS[2]), redis.call('GET', KEYS[1])}
            """.getBytes(StandardCharsets.UTF_8);

    private final RedisSettings settings;
    private final String uri;
    private final RedisConnections.Primary primary;
    private final boolean cluster;
    private final byte[] script;
    private final byte[] hash;
    private final byte[] channel;
    private final byte[] revisionKey;
    private final byte[] epochKey;
    /** The epoch of the revisions; replaced (engine thread) when the store's count was lost ({@link #adoptEpoch}). */
    private volatile long epoch;
    /** The revision of the last change this instance stored or heard. */
    private volatile long revision;
    private RedisSubscription subscription;

    private RedisValueStore(RedisSettings settings, RedisConnections.Primary primary) {
        this.settings = settings;
        this.uri = settings.redactedUri();
        this.primary = primary;
        this.cluster = settings.topology() == RedisSettings.Topology.CLUSTER;
        this.script = STORE_AND_PUBLISH.formatted(cluster ? "SPUBLISH" : "PUBLISH").getBytes(StandardCharsets.UTF_8);
        this.hash = key(settings, "values").getBytes(StandardCharsets.UTF_8);
        this.channel = key(settings, "changes").getBytes(StandardCharsets.UTF_8);
        this.revisionKey = key(settings, "revision").getBytes(StandardCharsets.UTF_8);
        this.epochKey = key(settings, "epoch").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code <prefix>name}; in a cluster {@code {<prefix>}name}, so that both keys share one hash slot. */
    private static String key(RedisSettings settings, String name) {
        return settings.topology() == RedisSettings.Topology.CLUSTER ? "{" + settings.prefix() + "}" + name
                : settings.prefix() + name;
    }

    /** Connects to {@code uri} (any form {@link RedisSettings#parse} takes) and loads the values under {@code prefix}. */
    public static RedisValueStore open(String uri, String prefix) throws StoreException {
        RedisSettings settings;
        try {
            settings = RedisSettings.parse(uri).withPrefix(prefix);
        } catch (IllegalArgumentException e) {
            throw new StoreException(e.getMessage(), e);
        }
        return open(settings);
    }

    /** Connects as {@code settings} say (through the sentinels, if named) and loads the values. */
    public static RedisValueStore open(RedisSettings settings) throws StoreException {
        RedisConnections.Primary primary;
        try {
            primary = RedisConnections.primary(settings, key(settings, "values"));
        } catch (RuntimeException | java.io.IOException | java.security.GeneralSecurityException e) {
            throw new StoreException("cannot connect to Redis " + settings.redactedUri() + ": "
                    + RedisConnections.explain(settings, e), e);
        }
        RedisValueStore store = new RedisValueStore(settings, primary);
        try {
            store.loadPosition();
            store.loadAll().forEach(store.cache::put);
            LOG.log(System.Logger.Level.INFO, "values in Redis " + settings);
            return store;
        } catch (RuntimeException e) {
            primary.close();
            throw new StoreException("cannot read the values from Redis " + settings.redactedUri() + ": "
                    + RedisConnections.explain(settings, e), e);
        }
    }

    /** Where the values are, for logs and the status page: never with the password. */
    public RedisSettings settings() {
        return settings;
    }

    /**
     * The epoch and the revision, read before the values. A store without a revision (a new one, or one whose count
     * was lost: a failover that lost writes, a deleted key) gets a new epoch, so that no revision of before is
     * taken for one of now; the script does the same when it finds either missing.
     */
    private void loadPosition() {
        try (Jedis jedis = primary.borrow()) {
            List<?> position = (List<?>) jedis.eval(INIT_POSITION, List.of(revisionKey, epochKey),
                    List.of(Long.toString(MemoryValueStore.newEpoch()).getBytes(StandardCharsets.US_ASCII)));
            epoch = Long.parseLong(new String((byte[]) position.get(0), StandardCharsets.US_ASCII));
            revision = Long.parseLong(new String((byte[]) position.get(1), StandardCharsets.US_ASCII));
        }
    }

    @Override
    public void adoptEpoch(long newEpoch) {
        epoch = newEpoch;
        revision = 0; // heard again from the next batch
    }

    private long readRevision(Jedis jedis) {
        byte[] value = jedis.get(revisionKey);
        return value == null ? 0 : Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    }

    @Override
    public Watches.Position position() {
        return new Watches.Position(epoch, revision);
    }

    private Map<String, byte[]> loadAll() {
        try (Jedis jedis = primary.borrow()) {
            Map<String, byte[]> values = new HashMap<>();
            jedis.hgetAll(hash).forEach((k, v) -> values.put(new String(k, StandardCharsets.ISO_8859_1), v));
            return values;
        }
    }

    @Override
    public long putAll(Map<String, byte[]> changes) throws StoreException {
        if (changes.isEmpty()) {
            return revision;
        }
        List<byte[]> args = new ArrayList<>(2 * changes.size() + 1);
        List<Message> announced = new ArrayList<>(changes.size());
        changes.forEach((id, value) -> {
            args.add(id.getBytes(StandardCharsets.ISO_8859_1));
            args.add(value);
            announced.add(Message.change(id, value));
        });
        args.add(Long.toString(MemoryValueStore.newEpoch()).getBytes(StandardCharsets.US_ASCII)); // if the count is lost
        args.add(MessageEncoder.plainDatagram(announced.toArray(Message[]::new)));
        long last;
        try {
            last = store(args, changes.size());
        } catch (JedisRedirectionException moved) { // the slot moved: the script did not run; once more
            try {
                last = store(args, changes.size());
            } catch (JedisRedirectionException again) {
                throw new StoreException("cannot store " + changes.size() + " change(s) in Redis " + uri
                        + ": the slot moved again (" + again.getMessage() + ")", again);
            }
        }
        cache.putAll(changes);
        revision = Math.max(revision, last);
        return last;
    }

    /**
     * Runs the script (and WAIT) on one connection to the primary, returning the revision of the last change; a
     * redirection is thrown as it is.
     */
    private long store(List<byte[]> args, int count) throws StoreException {
        try (Jedis jedis = primary.borrow()) {
            try {
                long last = (Long) jedis.eval(script, List.of(hash, channel, revisionKey, epochKey), args);
                if (settings.replicas() > 0) {
                    long acknowledged = jedis.waitReplicas(settings.replicas(), settings.replicasTimeout().toMillis());
                    if (acknowledged < settings.replicas()) {
                        throw new StoreException(count + " change(s) stored in Redis " + uri + " but only "
                                + acknowledged + " of " + settings.replicas() + " replica(s) acknowledged them within "
                                + settings.replicasTimeout().toMillis() + " ms: not confirmed", null);
                    }
                }
                return last;
            } catch (RuntimeException e) {
                // READONLY from a demoted primary, MOVED, a dead socket...: never hand this connection out again
                jedis.getConnection().setBroken();
                throw e;
            }
        } catch (RuntimeException e) {
            primary.lost(e); // no connection, or a failed one: where is the primary now?
            if (e instanceof JedisRedirectionException moved) {
                throw moved;
            }
            throw new StoreException("cannot store " + count + " change(s) in Redis " + uri + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void checkReachable() throws StoreException {
        try (Jedis jedis = primary.borrow()) {
            jedis.ping();
        } catch (RuntimeException e) {
            throw new StoreException("Redis " + uri + " does not answer: " + e.getMessage(), e);
        }
    }

    @Override
    public void applyHeard(String id, byte[] value) {
        cache.put(id, value);
    }

    /**
     * Subscribes to the channel ({@link RedisSubscription}); a batch of the current epoch moves this instance's
     * revision on before {@code heard} is told.
     */
    @Override
    public synchronized void onChanges(Consumer<Heard> heard, ThreadFactory threads) {
        subscription = new RedisSubscription(primary, uri, cluster, channel, this::snapshot, batch -> {
            if (!batch.snapshot() && batch.epoch() == epoch) {
                revision = Math.max(revision, batch.revision());
            }
            heard.accept(batch);
        });
        subscription.start(threads, settings.topology() != RedisSettings.Topology.STANDALONE);
    }

    /** The revision is read before the values: the snapshot holds every change up to it (and maybe later ones). */
    private Heard snapshot() {
        long at;
        long current;
        try (Jedis jedis = primary.borrow()) {
            at = readRevision(jedis);
            byte[] e = jedis.get(epochKey);
            current = e == null ? 0 : Long.parseLong(new String(e, StandardCharsets.US_ASCII));
        }
        return new Heard(loadAll(), true, at, current);
    }

    @Override
    public synchronized void close() {
        if (subscription != null) {
            subscription.close();
        }
        primary.close();
        cache.close();
    }
}
