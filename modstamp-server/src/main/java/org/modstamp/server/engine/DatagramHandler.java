package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.modstamp.server.AbuseLimits;
import org.modstamp.server.ServerClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.history.RecentChanges;
import org.modstamp.server.registry.AddressPrefix;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.SharedValueStore;
import org.modstamp.server.store.StoreException;
import org.modstamp.server.store.ValueStore;
import org.modstamp.wire.MappingProbe;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;
import org.modstamp.wire.Summaries;

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
    /** Most aead senders whose replay windows are held at once (about 0.4 KB each: at most about 40 MB). */
    static final int MAX_SENDERS = 100_000;
    /**
     * Most prefixes whose reply credit, and most networks whose Signal tokens, are tracked (about 90 bytes each: at
     * most about 23 MB each).
     */
    static final int MAX_REPLY_PREFIXES = 250_000;
    /** A PROBE with a shorter delay is answered at once only: a mapping lives seconds, and a forged one is bounded. */
    static final long MIN_PROBE_DELAY_MILLIS = 1_000;

    private final ServerConfig config;
    private final ValueStore store;
    private final ListenerRegistry registry;
    /** The config's clock: every time this handler reads. */
    private final ServerClock clock;
    private final long startNanos;
    private final ServerStats stats;
    private final RecentChanges recent = new RecentChanges(200);
    private final ReplyRateLimiter replyRates;
    private final RequestOpener opener;
    private final Listeners listeners;
    private final Watchers watchers;
    private final DelayedProbes delayedProbes = new DelayedProbes();
    private final KeptSets keptSets;
    private final List<OutgoingDatagram> pendingProbes = new java.util.ArrayList<>();

    /** A handler whose time is {@code config.clock()}'s. */
    public DatagramHandler(ServerConfig config, ValueStore store, ListenerRegistry registry) {
        this(config, store, registry, new ServerStats());
    }

    public DatagramHandler(ServerConfig config, ValueStore store, ListenerRegistry registry, ServerStats stats) {
        this(config, store, registry, stats, MAX_SENDERS);
    }

    /** As above, holding the replay windows of at most {@code maxSenders} aead senders (tests). */
    DatagramHandler(ServerConfig config, ValueStore store, ListenerRegistry registry, ServerStats stats,
                    int maxSenders) {
        this.config = config;
        this.store = store;
        this.registry = registry;
        this.clock = config.clock();
        this.startNanos = clock.nanoTime();
        this.stats = stats;
        this.opener = new RequestOpener(config, stats, maxSenders);
        this.listeners = new Listeners(config, registry, stats, opener, MAX_REPLY_PREFIXES);
        this.watchers = new Watchers(config, store, stats, listeners);
        this.keptSets = new KeptSets(registry.ttlSeconds());
        AbuseLimits limits = config.limits();
        this.replyRates = new ReplyRateLimiter(new AddressPrefix(limits.ipv4PrefixBits(), limits.ipv6PrefixBits()),
                limits.replyAmplification(), limits.replyBytesPerSecondPerPrefix(), limits.replyBurstPerPrefix(),
                MAX_REPLY_PREFIXES);
    }

    /** Handles one datagram from {@code sender}; its effects and replies go into {@code batch}. */
    public void handle(InetSocketAddress sender, ByteBuffer datagram, Batch batch) {
        stats.datagramReceived();
        Optional<Request> opened = opener.open(sender, datagram);
        if (opened.isEmpty()) {
            return;
        }
        Request request = opened.get();
        // an unauthenticated sender may be forged: what its network is answered is bounded (see Replies)
        Replies replies = new Replies(request, config, stats, opener,
                request.sealed() ? null : replyRates.received(sender.getAddress(), request.length(), clock.nanoTime()));
        int now = nowSeconds();
        boolean delayedProbeHeld = false; // one delayed probe answer per datagram at most
        Watchers.ScanBudget scan = new Watchers.ScanBudget();
        KeptSets.Joining joining = null; // the set that the Queries after a JOIN join
        for (Message message : request.messages()) {
            switch (message.type()) {
                case QUERY -> query(request, message.id(), now, batch, replies, joining);
                case CHANGE -> change(request, message, now, batch, replies);
                case PROBE -> delayedProbeHeld |= probe(request, message, replies, !delayedProbeHeld);
                case WATCH -> watchers.watch(request, message, now, batch, replies, scan);
                case KEEP -> joining = keep(request, message, now, replies, joining);
                default -> { } // R, M, S, OBSERVED, CHANGED, WATCHED and KEPT are not for a server
            }
        }
        if (joining != null) {
            replies.answer(joining.answer());
        }
        replies.finish(batch);
    }

    private void query(Request request, String id, int now, Batch batch, Replies replies, KeptSets.Joining joining) {
        if (!request.mayRead(id)) {
            stats.queryRefused(); // no Reply, no registration: nothing of it is shown to this sender
            return;
        }
        stats.queryHandled();
        if (listeners.register(id, request, now) && joining != null) {
            joining.registered(id);
        }
        replies.answer(Message.reply(id, currentValue(id, batch)));
    }

    /**
     * The summary keep-alive: a JOIN returns the set that the datagram's next Queries join (answered with JOINED
     * after the datagram's last message, or at the next JOIN); a KEEP without it renews its set when the summaries
     * agree (see {@link KeptSets}), and is answered at once. A KEEP whose summary is not 17 bytes is ignored.
     */
    private KeptSets.Joining keep(Request request, Message message, int now, Replies replies,
                                  KeptSets.Joining joining) {
        Optional<Summaries.Keep> read = Summaries.read(message);
        if (read.isEmpty()) {
            return joining;
        }
        Summaries.Keep keep = read.get();
        if (joining != null) {
            replies.answer(joining.answer());
        }
        if (keep.has(Summaries.JOIN)) {
            return keptSets.join(request.sender(), keep.set(), keep.summary().generation(), now);
        }
        Message answer = keptSets.keep(request.sender(), keep, now, store::get,
                id -> request.mayRead(id) && listeners.register(id, request, now));
        stats.keepHandled(Summaries.read(answer).orElseThrow().has(Summaries.RENEWED));
        replies.answer(answer);
        return null;
    }

    private void change(Request request, Message message, int now, Batch batch, Replies replies) {
        if (!request.mayWrite(message.id())) {
            stats.changeRefused();
            return;
        }
        stats.changeHandled();
        if (recordChange(message.id(), message.value(), batch, ChangeSource.peer(request.sender()))) {
            replies.flushAnswers(batch); // what this datagram was answered before leaves before the new value
            signal(message.id(), message.value(), now, batch);
        }
        replies.confirm(Message.modified(message.id(), message.value()));
    }

    /**
     * The mapping-probe extension: answers a PROBE at once with an OBSERVED of the sender's address and port and,
     * when {@code mayHold}, its delay is {@value #MIN_PROBE_DELAY_MILLIS} ms to the listener TTL and the sender's
     * network can pay for the two delayed answers now (reply credit, when unauthenticated), holds the same OBSERVED
     * to send twice when the delay has passed ({@link #sendDueProbes}); true when it held them. An answer not held
     * is flagged refused at once, so that the client does not take its absence for an expired mapping. What a forged
     * datagram can aim at a victim later is thus two small datagrams, paid for like Replies, at most
     * {@value DelayedProbes#PER_ADDRESS} held per address. A PROBE whose delay is not 4 bytes is ignored.
     */
    private boolean probe(Request request, Message probe, Replies replies, boolean mayHold) {
        Optional<Long> delay = MappingProbe.delayMillis(probe);
        if (delay.isEmpty()) {
            return false;
        }
        stats.probeHandled();
        long millis = delay.get();
        Message observed = MappingProbe.observed(probe.id(), request.sender(), registry.ttlSeconds(), false);
        boolean held = millis > 0 && hold(request, millis, observed, replies, mayHold);
        if (millis > 0 && !held) {
            stats.probeRefused();
            observed = MappingProbe.observed(probe.id(), request.sender(), registry.ttlSeconds(), true);
        }
        replies.answer(observed);
        return held;
    }

    private boolean hold(Request request, long millis, Message observed, Replies replies, boolean mayHold) {
        byte[] plain = MessageEncoder.plainDatagram(observed);
        return mayHold && millis >= MIN_PROBE_DELAY_MILLIS && millis <= registry.ttlSeconds() * 1000L
                && delayedProbes.hasRoomFor(request.sender()) && replies.reserve(2 * plain.length)
                && delayedProbes.hold(new DelayedProbes.Pending(clock.nanoTime() + millis * 1_000_000, request.sender(),
                        sendLater(request, plain)));
    }

    /**
     * What sends a delayed OBSERVED, twice (a loss each way should not pass for an expired mapping), sealed as a
     * Signal is when it is due; it keeps the few fields it needs, not the request.
     */
    private Runnable sendLater(Request request, byte[] plain) {
        InetSocketAddress recipient = request.sender();
        boolean sealed = request.sealed();
        int profile = request.profileIndex();
        int key = sealed ? request.opened().keyIndex() : 0;
        byte[] sender = sealed ? request.opened().sender() : null;
        return () -> {
            byte[] datagram = sealed ? opener.seal(profile, key, plain, 0, sender) : plain;
            for (int i = 0; i < 2; i++) {
                pendingProbes.add(new OutgoingDatagram(recipient, datagram));
            }
        };
    }

    /** Puts the delayed probe answers due now into {@code batch}; the engine calls it every few tens of ms. */
    public void sendDueProbes(Batch batch) {
        try {
            delayedProbes.sendDue(clock.nanoTime());
        } catch (RuntimeException e) { // a periodic task that throws is never run again: log, and go on
            LOG.log(System.Logger.Level.ERROR, "could not send the delayed probe answers", e);
        }
        batch.outgoing.addAll(pendingProbes); // counted as sent with the batch
        pendingProbes.clear();
    }

    /** Delayed probe answers held now. */
    public int pendingProbes() {
        return delayedProbes.pending();
    }

    /** Puts a change in the batch if it changes the value; true then. */
    private boolean recordChange(String id, byte[] value, Batch batch, ChangeSource source) {
        if (Arrays.equals(currentValue(id, batch), value)) {
            return false;
        }
        batch.changes.put(id, value);
        batch.sources.put(id, source);
        return true;
    }

    /** A Signal of the new value to every live listener of {@code id}, each {@code broadcastRepeat} times. */
    private void signal(String id, byte[] value, int now, Batch batch) {
        listeners.send(id, MessageEncoder.plainDatagram(Message.signal(id, value)), now, batch);
    }

    /**
     * Changes another instance made (or this one: they come back in the shared store's order), heard from
     * a {@link SharedValueStore}: each one that differs from the local copy is taken in and signalled to
     * this instance's listeners; every one is told to the watchers of its prefixes, at its revision. Nothing is
     * written, no M is sent.
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
        boolean anyDiffered = false;
        for (Map.Entry<String, byte[]> change : changes.entrySet()) {
            String id = change.getKey();
            byte[] value = change.getValue();
            if (!Arrays.equals(store.get(id), value)) {
                anyDiffered = true;
                shared.applyHeard(id, value);
                recent.record(id, value, clock.epochMillis(), "another instance (shared store)");
                signal(id, value, now, batch);
            }
        }
        watchers.heard(heard, changes, anyDiffered, now, batch);
    }

    private byte[] currentValue(String id, Batch batch) {
        byte[] pending = batch.changes.get(id);
        return pending != null ? pending : store.get(id);
    }

    /**
     * Makes the batch's changes durable, then returns the datagrams to send, in order, and empties the
     * batch. If the store fails, nothing is sent (no M for a change that is not durable, no Signal,
     * no Reply that could show it) and the error is logged: clients resend. Either way the outcomes the
     * batch handed out (see {@link #change(String, byte[], Batch, String)}) are settled.
     */
    public List<OutgoingDatagram> complete(Batch batch) {
        Exception failure = null;
        try {
            if (!batch.changes.isEmpty()) {
                long start = System.nanoTime(); // what the store really took, a latency: not the engine's clock
                long last = store.putAll(batch.changes);
                stats.recorder().stored(batch.changes.size(), System.nanoTime() - start);
                long at = clock.epochMillis();
                batch.changes.forEach((id, value) -> recent.record(id, value, at, batch.sources.get(id).describe()));
                if (!(store instanceof SharedValueStore)) { // a shared store's come back in its order: heard()
                    watchers.stored(batch.changes, last, nowSeconds(), batch);
                }
            }
            stats.datagramsSent(batch.outgoing.size());
            return List.copyOf(batch.outgoing);
        } catch (StoreException e) {
            failure = e;
            stats.storeFailed();
            LOG.log(System.Logger.Level.ERROR, "dropped the replies to " + batch.outgoing.size()
                    + " datagram(s): their " + batch.changes.size() + " change(s) could not be stored", e);
            return List.of();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            batch.settle(failure);
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
     * Sets {@code id} as a C from a rw peer would (an operator's change, {@code source} saying whose): its
     * Signals, but no M, go into {@code batch}; {@link #complete} makes it durable and hands them back.
     * Returns the outcome of that batch: done once the change is durable (or had nothing to change), failed
     * with the store's exception when it could not be made durable.
     */
    public CompletableFuture<Void> change(String id, byte[] value, Batch batch, String source) {
        stats.changeHandled();
        if (recordChange(id, value, batch, ChangeSource.named(source))) {
            signal(id, value, nowSeconds(), batch);
        }
        return batch.outcome();
    }

    /** The last changes made durable or heard, newest first; readable from any thread. */
    public RecentChanges recentChanges() {
        return recent;
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

    /** At most {@code limit} live listeners of {@code id} after the first {@code offset}: see {@link ListenerRegistry}. */
    public List<InetSocketAddress> listeners(String id, long offset, int limit) {
        List<InetSocketAddress> page = new java.util.ArrayList<>(Math.min(Math.max(0, limit), 1024));
        registry.forEachListener(id, nowSeconds(), offset, limit, page::add);
        return page;
    }

    /** Registrations held for {@code id} (live, or expired since the last sweep), in O(1). */
    public int listenerCount(String id) {
        return registry.listenerCount(id);
    }

    /** Networks the reply credit and the Signal cap track now. */
    public int trackedNetworks() {
        return replyRates.prefixes() + listeners.cappedNetworks();
    }

    /** Drops expired listener registrations. */
    public long sweepListeners() {
        opener.sweep();
        replyRates.sweep(clock.nanoTime());
        int now = nowSeconds();
        long swept = listeners.sweep(now);
        watchers.sweep();
        keptSets.sweep(now);
        return swept;
    }

    /** Whole seconds since this handler was made (registrations compare whole seconds, as the reference). */
    private int nowSeconds() {
        return (int) ((clock.nanoTime() - startNanos) / 1_000_000_000L);
    }
}
