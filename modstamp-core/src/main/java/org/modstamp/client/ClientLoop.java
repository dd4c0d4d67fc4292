package org.modstamp.client;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.modstamp.net.Addresses;
import org.modstamp.protocol.Protocol;
import org.modstamp.protocol.SealedDatagrams;
import org.modstamp.security.Aead;
import org.modstamp.security.AeadSender;
import org.modstamp.security.ProfileType;
import org.modstamp.security.ReplayGuard;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;
import org.modstamp.wire.Ids;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageType;

/**
 * The client's one socket and the one loop that owns it: sends, resends on millisecond timers, reads
 * and dispatches. Every operation runs on the loop; other threads hand theirs over with {@link #submit}.
 */
final class ClientLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger(ClientLoop.class.getName());
    private static final long NONE = Long.MAX_VALUE;
    /** Server sender ids whose replay windows are held (a server has a new one at each start). */
    private static final int SERVER_SENDERS = 64;
    /** The inReplyTo of a plain datagram: nothing binds it to a request. */
    private static final long UNBOUND = -1;

    private final InetSocketAddress server;
    private final ClientConfig config;
    private final DatagramChannel channel;
    private final Selector selector;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final List<PushOp> pushes = new ArrayList<>();
    private final List<GetOp> gets = new ArrayList<>();
    private final List<Session> sessions = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(65_536);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private volatile Thread loopThread;
    /** For an encrypted profile: this client's sending side, what opens the server's answers to it, and freshness. */
    private final SealedDatagrams sealing;
    private final ReplayGuard replays = new ReplayGuard(Protocol.REPLAY_WINDOW_MILLIS, SERVER_SENDERS);
    private final RequestCounters requests = new RequestCounters(TimeUnit.MILLISECONDS.toNanos(Protocol.REPLAY_WINDOW_MILLIS));
    private final AtomicLong dropped = new AtomicLong();

    /** The messages of a datagram from the server and the request it answers ({@link #UNBOUND} for plain). */
    private record Received(ByteBuffer messages, long inReplyTo) {
    }

    ClientLoop(InetSocketAddress server, ClientConfig config) throws IOException {
        this.server = server;
        this.config = config;
        this.sealing = config.sealed() ? SealedDatagrams.forClient(config.profile()) : null;
        this.channel = DatagramChannel.open(server.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            bind(channel, config);
            channel.configureBlocking(false);
            this.selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** Binds the first free port of the configured range (any port when the range is 0..0). */
    private static void bind(DatagramChannel channel, ClientConfig config) throws IOException {
        InetAddress address = config.bindAddress();
        if (config.bindPortMin() == 0) {
            channel.bind(address == null ? null : new InetSocketAddress(address, 0));
            return;
        }
        IOException last = null;
        for (int port = config.bindPortMin(); port <= config.bindPortMax(); port++) {
            try {
                channel.bind(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port));
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no free UDP port in " + config.bindPortMin() + ".." + config.bindPortMax()
                + (address == null ? "" : " on " + address.getHostAddress()), last);
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Runs {@code command} on the loop. */
    void submit(Runnable command) {
        if (closing) {
            throw closedException(null);
        }
        commands.add(command);
        selector.wakeup();
    }

    /** Runs {@code command} on the loop; {@code result} fails if the loop stops before completing it. */
    void submit(Runnable command, CompletableFuture<?> result) {
        inFlight.add(result);
        result.whenComplete((value, failure) -> inFlight.remove(result));
        submit(command);
        if (closing) { // closed between the check and the enqueue: the loop may never run it
            result.completeExceptionally(closedException(null));
        }
    }

    /** Sealed datagrams from the server dropped: replayed, stale, or not an answer to a recent request. */
    long droppedDatagrams() {
        return dropped.get();
    }

    boolean isClosing() {
        return closing;
    }

    /** Whether the caller is this loop's own thread (where blocking on the loop would deadlock). */
    boolean isLoopThread() {
        return Thread.currentThread() == loopThread;
    }

    private IllegalStateException closedException(Throwable cause) {
        return new IllegalStateException("the client for " + server + " is closed", cause);
    }

    /** Asks the loop to stop and waits for it (at most {@code timeout}); the socket is closed after. */
    void close(Duration timeout) {
        closing = true;
        selector.wakeup();
        if (isLoopThread()) {
            return; // called from a handler: the loop ends when the handler returns
        }
        try {
            if (!stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "client loop for " + server + " did not stop within " + timeout);
                closeSocket();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        loopThread = Thread.currentThread();
        Throwable failure = null;
        try {
            while (!closing) {
                runCommands();
                long now = System.nanoTime();
                long next = tick(now);
                long waitMillis = next == NONE ? 0 : Math.max(1, (next - now + 999_999) / 1_000_000);
                selector.select(waitMillis);
                selector.selectedKeys().clear();
                readAll();
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "client loop for " + server + " failed", e);
        } finally {
            closing = true;
            IllegalStateException closed = closedException(failure);
            inFlight.forEach(f -> f.completeExceptionally(closed));
            sessions.forEach(Session::ended);
            closeSocket();
            stopped.countDown();
        }
    }

    /** Closes the socket of a loop that never ran. */
    void abandon() {
        closing = true;
        closeSocket();
    }

    private void runCommands() {
        for (Runnable command; (command = commands.poll()) != null; ) {
            command.run();
        }
    }

    private void closeSocket() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the client socket failed", e);
        }
    }

    /** Runs every due timer; returns when the next one is due. */
    private long tick(long now) {
        long next = NONE;
        for (Iterator<PushOp> it = pushes.iterator(); it.hasNext(); ) {
            long due = it.next().tick(now);
            if (due < 0) {
                it.remove();
            } else {
                next = Math.min(next, due);
            }
        }
        for (Iterator<GetOp> it = gets.iterator(); it.hasNext(); ) {
            long due = it.next().tick(now);
            if (due < 0) {
                it.remove();
            } else {
                next = Math.min(next, due);
            }
        }
        for (Iterator<Session> it = sessions.iterator(); it.hasNext(); ) {
            long due = it.next().tick(now);
            if (due < 0) {
                it.remove();
            } else {
                next = Math.min(next, due);
            }
        }
        return next;
    }

    private void readAll() throws IOException {
        while (true) {
            runCommands(); // what a caller asked before a datagram arrived takes effect before it
            buffer.clear();
            SocketAddress from = channel.receive(buffer);
            if (from == null) {
                return;
            }
            buffer.flip();
            if (!isServer(from)) {
                LOG.log(System.Logger.Level.DEBUG, () -> "ignored a datagram from " + from + ", not from " + server);
                continue;
            }
            Optional<Received> received = DatagramHeader.read(buffer).flatMap(this::payload);
            Optional<List<Message>> messages = received.flatMap(r -> MessageDecoder.decode(r.messages()));
            if (messages.isEmpty()) {
                LOG.log(System.Logger.Level.DEBUG, () -> "ignored a malformed, unauthenticated, replayed or "
                        + "unasked-for datagram from " + from);
                continue;
            }
            long now = System.nanoTime();
            sessions.forEach(s -> s.heard(now));
            for (Message m : messages.get()) {
                dispatch(m, received.get().inReplyTo());
            }
        }
    }

    /**
     * The messages part of a datagram from the server: plain only for a plain client; sealed, authentic and
     * recent for an encrypted one (anything else is ignored).
     */
    private Optional<Received> payload(DatagramHeader header) {
        if (sealing == null) {
            return ProfileType.PLAIN.acceptsSignature(header.signature())
                    ? Optional.of(new Received(buffer, UNBOUND)) : Optional.empty();
        }
        if (!sealing.profile().matches(header, server.getAddress())) {
            return Optional.empty();
        }
        Optional<Aead.Opened> opened = sealing.open(header, buffer);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        Aead.Opened o = opened.get();
        ReplayGuard.Verdict verdict = replays.check(sealing.profile().id(), o, System.currentTimeMillis());
        if (verdict != ReplayGuard.Verdict.FRESH
                || (o.inReplyTo() != 0 && !requests.isRecent(o.inReplyTo(), System.nanoTime()))) {
            dropped.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a sealed datagram from " + server + ": "
                    + (verdict == ReplayGuard.Verdict.FRESH ? "it answers no request of the last "
                    + Protocol.REPLAY_WINDOW_MILLIS + " ms" : verdict));
            return Optional.empty();
        }
        return Optional.of(new Received(o.payload(), o.inReplyTo()));
    }

    private boolean isServer(SocketAddress from) {
        if (!(from instanceof InetSocketAddress sender) || sender.getPort() != server.getPort()) {
            return false;
        }
        return Addresses.sameHost(sender.getAddress(), server.getAddress());
    }

    /** One message of a datagram answering request {@code inReplyTo} (0: none, a Signal; or {@link #UNBOUND}). */
    private void dispatch(Message m, long inReplyTo) {
        if (inReplyTo == 0 && m.type() != MessageType.SIGNAL) {
            dropped.incrementAndGet(); // an M or R must answer a request of ours
            LOG.log(System.Logger.Level.DEBUG, () -> "ignored " + m + " from the server: it answers no request");
            return;
        }
        switch (m.type()) {
            case MODIFIED -> pushes.forEach(p -> p.modified(m.id(), m.value(), inReplyTo));
            case REPLY -> {
                gets.forEach(g -> g.replied(m.id(), m.value(), inReplyTo));
                sessions.forEach(s -> s.value(m.id(), m.value(), true));
            }
            case SIGNAL -> sessions.forEach(s -> s.value(m.id(), m.value(), false));
            default -> LOG.log(System.Logger.Level.DEBUG, () -> "ignored " + m + " from the server");
        }
    }

    /** Sends {@code messages}; returns the counters of the sealed datagrams they went in (none for plain). */
    private List<Long> send(Collection<Message> messages) {
        if (messages.isEmpty()) {
            return List.of();
        }
        DatagramPacker packer = SealedDatagrams.packer(config.profile(), config.maxPacketSize());
        messages.forEach(packer::add);
        List<Long> counters = new ArrayList<>();
        for (byte[] plain : packer.drain()) {
            byte[] datagram = plain;
            if (sealing != null) {
                AeadSender.Sealed s = sealing.sealRequest(plain, System.currentTimeMillis());
                requests.sent(s.counter(), System.nanoTime());
                counters.add(s.counter());
                datagram = s.datagram();
            }
            for (int i = 0; i < config.sendRepeat(); i++) {
                try {
                    channel.send(ByteBuffer.wrap(datagram), server);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "sending to " + server + " failed (will resend)", e);
                }
            }
        }
        return counters;
    }

    private static List<Message> queries(Collection<String> ids) {
        List<Message> queries = new ArrayList<>(ids.size());
        ids.forEach(id -> queries.add(Message.query(id)));
        return queries;
    }

    // ---- operations, all called on the loop ----

    void startPush(Map<String, byte[]> changes, CompletableFuture<Map<String, String>> result) {
        PushOp op = new PushOp(changes, result, System.nanoTime());
        pushes.add(op);
        op.send();
    }

    void startGet(Set<String> ids, CompletableFuture<Map<String, String>> result) {
        GetOp op = new GetOp(ids, result, System.nanoTime());
        gets.add(op);
        op.sent.addAll(send(queries(ids)));
    }

    ClientConfig config() {
        return config;
    }

    Session startListen(Map<String, String> lastKnown, ChangeHandler handler, boolean deliverInitial,
                        Duration queryInterval) {
        Session session = new Session(handler, deliverInitial, queryInterval.toNanos());
        lastKnown.forEach(session::put);
        submit(() -> sessions.add(session.started(System.nanoTime())));
        return session;
    }

    /** A push: Changes resent until each has its M with the same value, or the request times out. */
    private final class PushOp {
        final Map<String, byte[]> pending;
        /** The counters of the sealed datagrams that carried this push's Changes: only their M count. */
        final Set<Long> sent = new java.util.HashSet<>();
        final Map<String, String> confirmed = new LinkedHashMap<>();
        final CompletableFuture<Map<String, String>> result;
        final long deadline;
        long nextResend;

        PushOp(Map<String, byte[]> changes, CompletableFuture<Map<String, String>> result, long now) {
            this.pending = new LinkedHashMap<>(changes);
            this.result = result;
            this.deadline = now + config.requestTimeout().toNanos();
            this.nextResend = now + config.resendTimeout().toNanos();
        }

        void send() {
            List<Message> changes = new ArrayList<>(pending.size());
            pending.forEach((id, value) -> changes.add(Message.change(id, value)));
            sent.addAll(ClientLoop.this.send(changes));
        }

        void modified(String id, byte[] value, long inReplyTo) {
            if (inReplyTo != UNBOUND && !sent.contains(inReplyTo)) {
                return; // an M to another request (an earlier push of the same value, say)
            }
            byte[] wanted = pending.get(id);
            if (wanted != null && Arrays.equals(wanted, value)) {
                pending.remove(id);
                confirmed.put(id, Values.decode(value));
                if (pending.isEmpty()) {
                    result.complete(Collections.unmodifiableMap(confirmed));
                }
            }
        }

        long tick(long now) {
            if (result.isDone()) {
                return -1;
            }
            if (now - deadline >= 0) {
                result.complete(Collections.unmodifiableMap(new LinkedHashMap<>(confirmed)));
                return -1;
            }
            if (now - nextResend >= 0) {
                send();
                nextResend = now + config.resendTimeout().toNanos();
            }
            return Math.min(nextResend, deadline);
        }
    }

    /** One query round: Queries resent until every id has its Reply, or the request times out. */
    private final class GetOp {
        final Set<String> pending;
        /** The counters of the sealed datagrams that carried this round's Queries: only their R count. */
        final Set<Long> sent = new java.util.HashSet<>();
        final int asked;
        final Map<String, String> values = new LinkedHashMap<>();
        final CompletableFuture<Map<String, String>> result;
        final long deadline;
        long nextResend;

        GetOp(Set<String> ids, CompletableFuture<Map<String, String>> result, long now) {
            this.pending = new LinkedHashSet<>(ids);
            this.asked = ids.size();
            this.result = result;
            this.deadline = now + config.requestTimeout().toNanos();
            this.nextResend = now + config.resendTimeout().toNanos();
        }

        void replied(String id, byte[] value, long inReplyTo) {
            if (inReplyTo != UNBOUND && !sent.contains(inReplyTo)) {
                return;
            }
            if (pending.remove(id)) {
                values.put(id, Values.decode(value));
                if (pending.isEmpty()) {
                    result.complete(Collections.unmodifiableMap(values));
                }
            }
        }

        long tick(long now) {
            if (result.isDone()) {
                return -1;
            }
            if (now - deadline >= 0) {
                List<String> missing = pending.stream().limit(5).toList();
                result.completeExceptionally(new ModstampTimeoutException("no Reply from " + server + " within "
                        + config.requestTimeout().toMillis() + " ms for " + pending.size() + " of " + asked
                        + " id(s), such as " + missing));
                return -1;
            }
            if (now - nextResend >= 0) {
                sent.addAll(send(queries(pending)));
                nextResend = now + config.resendTimeout().toNanos();
            }
            return Math.min(nextResend, deadline);
        }
    }

    /** A listen: keep-alive query rounds, resends within a round, change detection on R and S. */
    final class Session implements Listening {
        private final ChangeHandler handler;
        private final boolean deliverInitial;
        private final long queryIntervalNanos;
        private final Map<String, byte[]> known = new HashMap<>();
        private final Set<String> unanswered = new LinkedHashSet<>();
        private long nextQuery;
        private long nextResend;
        private long roundDeadline;
        private long lastHeard;
        private boolean silent;
        private volatile boolean closed;

        Session(ChangeHandler handler, boolean deliverInitial, long queryIntervalNanos) {
            this.handler = handler;
            this.deliverInitial = deliverInitial;
            this.queryIntervalNanos = queryIntervalNanos;
        }

        private void put(String id, String lastKnown) {
            Ids.require(id);
            remember(id, lastKnown == null ? null : Values.encode(id, lastKnown));
        }

        /** Every change of {@code known} goes through here, so that {@link #lastKnown} can copy it from any thread. */
        private void remember(String id, byte[] value) {
            synchronized (known) {
                known.put(id, value);
            }
        }

        @Override
        public Map<String, String> lastKnown() {
            synchronized (known) {
                Map<String, String> copy = new java.util.LinkedHashMap<>();
                known.forEach((id, v) -> copy.put(id, v == null ? null : v.length == 0 ? "" : Values.decode(v)));
                return copy;
            }
        }

        Session started(long now) {
            lastHeard = now;
            nextQuery = now;
            return this;
        }

        @Override
        public void add(String id, String lastKnown) {
            Ids.require(id);
            byte[] value = lastKnown == null ? null : Values.encode(id, lastKnown);
            submit(() -> {
                remember(id, value);
                unanswered.add(id);
                long now = System.nanoTime();
                roundDeadline = Math.max(roundDeadline, now + config.requestTimeout().toNanos());
                nextResend = now + config.resendTimeout().toNanos();
                send(List.of(Message.query(id)));
            });
        }

        @Override
        public void remove(String id) {
            submit(() -> {
                synchronized (known) {
                    known.remove(id);
                }
                unanswered.remove(id);
            });
        }

        @Override
        public void close() {
            closed = true;
            if (!closing) {
                selector.wakeup();
            }
        }

        long tick(long now) {
            if (closed) {
                return -1;
            }
            if (now - nextQuery >= 0) {
                unanswered.addAll(known.keySet());
                send(queries(unanswered));
                roundDeadline = now + config.requestTimeout().toNanos();
                nextResend = now + config.resendTimeout().toNanos();
                long jitter = config.queryJitter().toNanos();
                nextQuery = now + queryIntervalNanos
                        + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0);
            } else if (!unanswered.isEmpty() && now - nextResend >= 0 && now - roundDeadline < 0) {
                send(queries(unanswered));
                nextResend = now + config.resendTimeout().toNanos();
            }
            long silence = now - lastHeard;
            if (!silent && silence >= config.noResponseTimeout().toNanos()) {
                silent = true;
                call(() -> handler.onNoResponse(Duration.ofNanos(silence)));
            }
            long next = nextQuery;
            if (!unanswered.isEmpty() && now - roundDeadline < 0 && nextResend - roundDeadline < 0) {
                next = Math.min(next, nextResend);
            }
            if (!silent) {
                next = Math.min(next, lastHeard + config.noResponseTimeout().toNanos());
            }
            return next;
        }

        /** The client closed under this session: tell the handler, unless the session was closed first. */
        void ended() {
            if (!closed) {
                call(handler::onClosed);
            }
        }

        void heard(long now) {
            lastHeard = now;
            if (silent) {
                silent = false;
                call(handler::onResponseResumed);
            }
        }

        void value(String id, byte[] value, boolean isReply) {
            if (closed || !known.containsKey(id)) {
                return;
            }
            if (isReply) {
                unanswered.remove(id);
            }
            byte[] old = known.get(id);
            if (old != null && Arrays.equals(old, value)) {
                return; // no change, or a duplicate Signal
            }
            remember(id, value);
            if (old != null || deliverInitial) {
                String previous = old == null ? null : Values.decode(old);
                String text = Values.decode(value);
                call(() -> handler.onChange(id, previous, text));
            }
        }

        private void call(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a change handler threw (listening goes on)", e);
            }
        }
    }
}
