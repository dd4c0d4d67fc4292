package org.modstamp.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

import org.modstamp.wire.Ids;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageType;

/**
 * A listen: a query round at once and then every query interval (plus jitter) as keep-alive (one KEEP of the
 * listen's summary instead, while the server holds its ids as a set: {@link ListenSummary}), resends of the
 * unanswered Queries within a round, a change reported for every R or S that differs from what is known, and
 * silence reported when nothing came from the server for the no-response timeout (and its end when something
 * comes again). Its timers and messages run on the client loop; {@link #add} and {@link #remove} hand theirs
 * to it through {@code loop}.
 */
final class ListenSession implements Listening, Exchange {
    private static final System.Logger LOG = System.getLogger(ListenSession.class.getName());

    private final ClientChannel channel;
    private final ClientConfig config;
    private final Executor loop;
    private final Runnable wakeLoop;
    private final ChangeHandler handler;
    private final boolean deliverInitial;
    private final long queryIntervalNanos;
    private final KeepAlive keepAlive;
    /** Written on the loop only, under its own lock so that {@link #lastKnown} can copy it from any thread. */
    private final Map<String, byte[]> known = new HashMap<>();
    private final Set<String> unanswered = new LinkedHashSet<>();
    private final FirstReplies firstReplies = new FirstReplies();
    private final ListenSummary summary = new ListenSummary();
    /** A keep-alive round's KEEP is not answered yet. */
    private boolean keepPending;
    private long lastRound;
    /** Where in the jitter this round's next one falls, 0..1. */
    private double jitterDraw;
    private boolean queryAtOnce;
    private long nextResend;
    private long roundDeadline;
    private long lastHeard;
    private boolean silent;
    private volatile boolean closed;

    /**
     * A listen of the ids of {@code lastKnown}, not started yet; {@code loop} runs a command on the client loop,
     * {@code wakeLoop} makes the loop tick soon.
     */
    ListenSession(ClientChannel channel, KeepAlive keepAlive, Executor loop, Runnable wakeLoop,
                  Map<String, String> lastKnown, ChangeHandler handler, boolean deliverInitial, Duration queryInterval) {
        this.keepAlive = keepAlive;
        this.channel = channel;
        this.config = channel.config();
        this.loop = loop;
        this.wakeLoop = wakeLoop;
        this.handler = handler;
        this.deliverInitial = deliverInitial;
        this.queryIntervalNanos = queryInterval.toNanos();
        lastKnown.forEach((id, value) -> {
            Ids.require(id);
            remember(id, value == null ? null : Values.encode(id, value));
            firstReplies.expect(id);
        });
    }

    /** On the loop: the first query round is due at once. */
    ListenSession started(long now) {
        lastHeard = now;
        queryAtOnce = true;
        return this;
    }

    private void remember(String id, byte[] value) {
        synchronized (known) {
            summary.changed(id, known.put(id, value), value);
        }
    }

    @Override
    public Map<String, String> lastKnown() {
        synchronized (known) {
            Map<String, String> copy = new LinkedHashMap<>();
            known.forEach((id, v) -> copy.put(id, v == null ? null : v.length == 0 ? "" : Values.decode(v)));
            return copy;
        }
    }

    @Override
    public CompletionStage<Void> ready() {
        return firstReplies.stage();
    }

    @Override
    public void add(String id, String lastKnown) {
        Ids.require(id);
        byte[] value = lastKnown == null ? null : Values.encode(id, lastKnown);
        firstReplies.expect(id);
        loop.execute(() -> {
            remember(id, value);
            unanswered.add(id);
            long now = System.nanoTime();
            roundDeadline = Math.max(roundDeadline, now + config.requestTimeout().toNanos());
            nextResend = now + config.resendTimeout().toNanos();
            channel.send(List.of(Message.query(id)), summary.join());
        });
    }

    @Override
    public void remove(String id) {
        loop.execute(() -> {
            synchronized (known) {
                summary.changed(id, known.remove(id), null);
            }
            summary.invalidate();
            unanswered.remove(id);
            firstReplies.answered(id);
        });
    }

    @Override
    public void close() {
        closed = true;
        firstReplies.ended(new IllegalStateException("the listen was closed"));
        wakeLoop.run();
    }

    /** The client closed under this listen: tell the handler, unless the listen was closed first. */
    void ended() {
        firstReplies.ended(new IllegalStateException("the client of " + channel.server() + " is closed"));
        if (!closed) {
            call(handler::onClosed);
        }
    }

    @Override
    public long tick(long now) {
        if (closed) {
            return DONE;
        }
        long nextQuery = nextQuery(now);
        if (now - nextQuery >= 0) {
            queryRound(now);
            nextQuery = nextQuery(now);
        } else if (keepPending && now - roundDeadline >= 0) {
            queryEvery(now); // the KEEP was not answered: the server may not have the set any more
            nextQuery = nextQuery(now);
        } else if (keepPending && now - nextResend >= 0) {
            channel.send(List.of(summary.keep(known.size())));
            nextResend = now + config.resendTimeout().toNanos();
        } else if (!unanswered.isEmpty() && now - nextResend >= 0 && now - roundDeadline < 0) {
            channel.send(ResentRequest.queries(unanswered), summary.join());
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
        if (keepPending) {
            next = Math.min(next, Math.min(nextResend, roundDeadline));
        }
        if (!silent) {
            next = Math.min(next, lastHeard + config.noResponseTimeout().toNanos());
        }
        return next;
    }

    /** On the loop: query every id now (the keep-alive saw the mapping change: register the new one). */
    void queryNow() {
        summary.invalidate();
        queryAtOnce = true;
    }

    /**
     * When the next round is due: the keep-alive's interval (learned, or this listen's fixed one) after the last
     * round, plus this round's share of the jitter; at once when asked.
     */
    private long nextQuery(long now) {
        if (queryAtOnce) {
            return now;
        }
        long jitter = keepAlive.jitterNanos(config.queryJitter().toNanos());
        return lastRound + keepAlive.intervalNanos(queryIntervalNanos) + (long) (jitterDraw * jitter);
    }

    /**
     * A keep-alive round, with the keep-alive's PROBE: one KEEP of the listen's summary while the server holds its
     * set (see {@link ListenSummary}), else a Query of every id.
     */
    private void queryRound(long now) {
        if (unanswered.isEmpty() && summary.mayKeep(known.size())) {
            channel.send(keepAlive.withRound(List.of(summary.keep(known.size()))));
            keepPending = true;
            startRound(now);
        } else {
            queryEvery(now);
        }
    }

    /** Queries every id, as a new generation of the listen's set, and draws the next round's jitter. */
    private void queryEvery(long now) {
        keepPending = false;
        summary.fullRound();
        unanswered.addAll(known.keySet());
        channel.send(keepAlive.withRound(ResentRequest.queries(unanswered)), summary.join());
        startRound(now);
    }

    private void startRound(long now) {
        roundDeadline = now + config.requestTimeout().toNanos();
        nextResend = now + config.resendTimeout().toNanos();
        lastRound = now;
        queryAtOnce = false;
        jitterDraw = ThreadLocalRandom.current().nextDouble();
    }

    /** A datagram came from the server (at {@code now}): silence, if reported, is over. */
    void heard(long now) {
        lastHeard = now;
        if (silent) {
            silent = false;
            call(handler::onResponseResumed);
        }
    }

    @Override
    public void received(Message m, long inReplyTo) {
        if (m.type() == MessageType.KEPT) {
            ListenSummary.Answer answer = closed ? null : summary.kept(m, known.size(), unanswered.isEmpty());
            if (keepPending && (answer == ListenSummary.Answer.RENEWED || answer == ListenSummary.Answer.DIFFERS)) {
                keepPending = false;
                // the server's set is not ours: query every id at once (and never cancel an at-once asked before)
                queryAtOnce |= answer == ListenSummary.Answer.DIFFERS;
            }
            return;
        }
        boolean isReply = m.type() == MessageType.REPLY;
        if (closed || !(isReply || m.type() == MessageType.SIGNAL) || !known.containsKey(m.id())) {
            return;
        }
        String id = m.id();
        if (isReply && unanswered.remove(id) && unanswered.isEmpty()) {
            summary.answered(known.size());
        }
        byte[] old = known.get(id);
        if (old == null || !Arrays.equals(old, m.value())) { // else no change, or a duplicate Signal
            remember(id, m.value());
            if (old != null || deliverInitial) {
                String previous = old == null ? null : Values.decode(old);
                String text = Values.decode(m.value());
                call(() -> handler.onChange(id, previous, text));
            }
        }
        if (isReply) {
            firstReplies.answered(id);
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
