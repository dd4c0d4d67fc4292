package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modstamp.security.Aead;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.SharedValueStore;
import org.modstamp.server.store.StoreException;
import org.modstamp.server.store.ValueStore;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageEncoder;

/**
 * The server's protocol logic, without a socket: datagrams in, datagrams out. {@link #handle} applies
 * one datagram to a {@link Batch}; {@link #complete} makes the batch's changes durable and only then
 * hands back what to send: for each C that changed a value, a Signal to every live listener (each
 * in its own datagram, {@code broadcastRepeat} times), before the reply datagrams of its request
 * (M and R packed up to {@code maxPacketSize}). Malformed input is dropped as the protocol says and
 * never throws. Not thread-safe: one engine thread calls it.
 */
public final class DatagramHandler {
    private static final System.Logger LOG = System.getLogger(DatagramHandler.class.getName());
    /** How far the sealed timestamp of an encrypted datagram may be from this server's clock. */
    static final long REPLAY_WINDOW_MILLIS = 30_000;

    private final ServerConfig config;
    private final ValueStore store;
    private final ListenerRegistry registry;
    private final InstantSource clock;
    private final long epochSecondAtStart;
    private final ServerStats stats;
    private final SignalRateLimiter signalLimiter;
    private final ReplayGuard replays = new ReplayGuard(REPLAY_WINDOW_MILLIS);
    /** Listeners that registered through an encrypted profile: their Signals are sealed for them. */
    private final Map<InetSocketAddress, SealedListener> sealedListeners = new HashMap<>();

    private record SealedListener(SecurityProfile profile, int keyIndex, int lastQuery) {
    }

    public DatagramHandler(ServerConfig config, ValueStore store, ListenerRegistry registry, InstantSource clock) {
        this(config, store, registry, clock, new ServerStats());
    }

    public DatagramHandler(ServerConfig config, ValueStore store, ListenerRegistry registry, InstantSource clock,
                           ServerStats stats) {
        this.config = config;
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.epochSecondAtStart = clock.instant().getEpochSecond();
        this.stats = stats;
        this.signalLimiter = new SignalRateLimiter(config.limits().signalsPerSecondPerAddress());
    }

    /** Handles one datagram from {@code sender}; its effects and replies go into {@code batch}. */
    public void handle(InetSocketAddress sender, ByteBuffer datagram, Batch batch) {
        stats.datagramsIn.incrementAndGet();
        if (sender.getPort() == 0) {
            stats.droppedOther.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a datagram from port 0 of " + sender.getAddress()
                    + ": no answer can reach it");
            return;
        }
        if (datagram.remaining() > ServerConfig.MAX_REQUEST_SIZE) {
            stats.droppedOther.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped " + datagram.remaining() + "-byte datagram from "
                    + sender + ": longer than " + ServerConfig.MAX_REQUEST_SIZE);
            return;
        }
        Optional<DatagramHeader> header = DatagramHeader.read(datagram);
        if (header.isEmpty()) {
            stats.droppedMalformed.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + sender + ": no valid header");
            return;
        }
        // the first profile whose type, id and hosts match and which opens the datagram decides
        SecurityProfile profile = null;
        int keyIndex = 0;
        ByteBuffer payload = datagram;
        for (SecurityProfile candidate : config.profiles().entries()) {
            if (!candidate.matches(header.get(), sender.getAddress())) {
                continue;
            }
            if (!candidate.type().isProtected()) {
                profile = candidate;
                break;
            }
            Optional<Aead.Opened> opened = Aead.open(candidate, header.get(), datagram.duplicate());
            if (opened.isPresent()) {
                if (!replays.fresh(sender.getAddress(), opened.get().timestampMillis(), opened.get().nonce(),
                        System.currentTimeMillis())) {
                    stats.droppedReplay.incrementAndGet();
                    LOG.log(System.Logger.Level.DEBUG, () -> "dropped a replayed or stale datagram from " + sender);
                    return;
                }
                profile = candidate;
                keyIndex = opened.get().keyIndex();
                payload = opened.get().payload();
                break;
            }
        }
        if (profile == null) {
            (header.get().signature().isEmpty() || header.get().signature().equals("p")
                    ? stats.droppedNoPermission : stats.droppedUnauthenticated).incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + sender + ": no profile accepts it");
            return;
        }
        Permission permission = profile.effectivePermission();
        if (!permission.canRead()) {
            stats.droppedNoPermission.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + sender + ": its profile grants nothing");
            return;
        }
        Optional<List<Message>> messages = MessageDecoder.decode(payload);
        if (messages.isEmpty()) {
            stats.droppedMalformed.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + sender + ": framing error");
            return;
        }
        DatagramPacker replies = null;
        int now = nowSeconds();
        boolean sealed = profile.type().isProtected();
        if (sealed) {
            sealedListeners.put(sender, new SealedListener(profile, keyIndex, now));
        } else {
            sealedListeners.remove(sender);
        }
        // an unauthenticated (plain) sender may be forged: a reply is at most a few times its request
        int budget = sealed ? Integer.MAX_VALUE : config.limits().replyBudget(datagram.limit());
        int replyBytes = 1;
        for (Message message : messages.get()) {
            Message reply = switch (message.type()) {
                case QUERY -> query(message.id(), sender, now, batch);
                case CHANGE -> permission.canWrite() ? change(message.id(), message.value(), now, batch) : refused();
                default -> null; // R, M and S are not for a server
            };
            if (reply != null) {
                replyBytes += reply.encodedLength();
                if (replyBytes > budget) {
                    stats.repliesCut.incrementAndGet();
                    continue; // the client asks again for what it did not get
                }
                if (replies == null) {
                    replies = new DatagramPacker(DatagramHeader.PLAIN,
                            config.maxPacketSize() - (sealed ? Aead.overhead(profile) - 1 : 0));
                }
                replies.add(reply);
            }
        }
        if (replies != null) {
            for (byte[] bytes : replies.drain()) {
                batch.outgoing.add(new OutgoingDatagram(sender, sealed ? seal(profile, keyIndex, bytes) : bytes));
            }
        }
    }

    /** A plain datagram (header 00 and messages) sealed for {@code profile} with its key {@code keyIndex}. */
    private static byte[] seal(SecurityProfile profile, int keyIndex, byte[] plainDatagram) {
        return Aead.seal(profile, keyIndex, Arrays.copyOfRange(plainDatagram, 1, plainDatagram.length),
                System.currentTimeMillis());
    }

    private Message refused() {
        stats.changesRefused.incrementAndGet();
        return null;
    }

    private Message query(String id, InetSocketAddress sender, int now, Batch batch) {
        stats.queries.incrementAndGet();
        if (!registry.register(id, sender, now, config.limits().listenersPerAddress())) {
            stats.listenersRefused.incrementAndGet();
        }
        return Message.reply(id, currentValue(id, batch));
    }

    private Message change(String id, byte[] value, int now, Batch batch) {
        stats.changes.incrementAndGet();
        if (!Arrays.equals(currentValue(id, batch), value)) {
            batch.changes.put(id, value);
            signal(id, value, now, batch);
        }
        return Message.modified(id, value);
    }

    /** A Signal of the new value to every live listener of {@code id}, each {@code broadcastRepeat} times. */
    private void signal(String id, byte[] value, int now, Batch batch) {
        byte[] signal = MessageEncoder.plainDatagram(Message.signal(id, value));
        int repeat = config.broadcastRepeat();
        long nanos = System.nanoTime();
        registry.forEachListener(id, now, listener -> {
            SealedListener sealedFor = sealedListeners.get(listener);
            // the cap bounds what forged plain Queries can reflect at a victim: an authenticated Query
            // cannot be forged (nor replayed), so its sender's Signals are not capped
            if (sealedFor == null && !signalLimiter.allow(listener.getAddress(), nanos)) {
                stats.signalsRateLimited.incrementAndGet();
                return;
            }
            stats.signals.incrementAndGet();
            for (int i = 0; i < repeat; i++) {
                batch.outgoing.add(new OutgoingDatagram(listener,
                        sealedFor == null ? signal : seal(sealedFor.profile(), sealedFor.keyIndex(), signal)));
            }
        });
    }

    /**
     * Changes another instance made (or this one: they come back in the shared store's order), heard from
     * a {@link SharedValueStore}: each one that differs from the local copy is taken in and signalled to
     * this instance's listeners. Nothing is written, no M is sent.
     */
    public void heard(SharedValueStore.Heard heard, Batch batch) {
        if (!(store instanceof SharedValueStore shared)) {
            throw new IllegalStateException("changes can only be heard from a shared store");
        }
        Map<String, byte[]> changes = heard.values();
        if (heard.snapshot()) { // ids the store no longer has were deleted meanwhile
            Map<String, byte[]> withDeletions = new java.util.LinkedHashMap<>(changes);
            store.forEach((id, value) -> withDeletions.putIfAbsent(id, ValueStore.NONE));
            changes = withDeletions;
        }
        int now = nowSeconds();
        changes.forEach((id, value) -> {
            if (!Arrays.equals(store.get(id), value)) {
                shared.applyHeard(id, value);
                signal(id, value, now, batch);
            }
        });
    }

    private byte[] currentValue(String id, Batch batch) {
        byte[] pending = batch.changes.get(id);
        return pending != null ? pending : store.get(id);
    }

    /**
     * Makes the batch's changes durable, then returns the datagrams to send, in order, and empties the
     * batch. If the store fails, nothing is sent (no M for a change that is not durable, no Signal,
     * no Reply that could show it) and the error is logged: clients resend.
     */
    public List<OutgoingDatagram> complete(Batch batch) {
        try {
            if (!batch.changes.isEmpty()) {
                long start = System.nanoTime();
                store.putAll(batch.changes);
                stats.recorder().stored(batch.changes.size(), System.nanoTime() - start);
            }
            stats.datagramsOut.addAndGet(batch.outgoing.size());
            return List.copyOf(batch.outgoing);
        } catch (StoreException e) {
            stats.storeFailures.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "dropped the replies to " + batch.outgoing.size()
                    + " datagram(s): their " + batch.changes.size() + " change(s) could not be stored", e);
            return List.of();
        } finally {
            batch.clear();
        }
    }

    /** Handles a single datagram as a batch of its own: what a server sends in answer to it. */
    public List<OutgoingDatagram> handleOne(InetSocketAddress sender, ByteBuffer datagram) {
        Batch batch = new Batch();
        handle(sender, datagram, batch);
        return complete(batch);
    }

    /**
     * Sets {@code id} as a C from a rw peer would (an operator's change): its Signals, but no M, go into
     * {@code batch}; {@link #complete} makes it durable and hands them back.
     */
    public void change(String id, byte[] value, Batch batch) {
        change(id, value, nowSeconds(), batch);
    }

    /** The current value of {@code id} (empty when none). */
    public byte[] value(String id) {
        return store.get(id);
    }

    /** The live listeners of {@code id}. */
    public List<InetSocketAddress> listeners(String id) {
        List<InetSocketAddress> listeners = new java.util.ArrayList<>();
        registry.forEachListener(id, nowSeconds(), listeners::add);
        return listeners;
    }

    /** Drops expired listener registrations. */
    public long sweepListeners() {
        signalLimiter.sweep(System.nanoTime());
        int now = nowSeconds();
        sealedListeners.values().removeIf(l -> now - l.lastQuery() > registry.ttlSeconds());
        return registry.sweep(now);
    }

    /** Whole seconds since this handler was made (registrations compare whole seconds, as the reference). */
    private int nowSeconds() {
        return (int) (clock.instant().getEpochSecond() - epochSecondAtStart);
    }
}
