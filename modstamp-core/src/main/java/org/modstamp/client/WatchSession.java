package org.modstamp.client;

import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

import org.modstamp.wire.Ids;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageType;
import org.modstamp.wire.Watches;
import org.modstamp.wire.Watches.Position;

/**
 * A watch of a prefix (the watch extension): a WATCH from its position at once and then at every keep-alive
 * interval, resent until the server answers; every CHANGED of an id under the prefix told once; the position
 * moved on by each WATCHED (the changes before it are told, or were caught up in its answer), asked again at once
 * when the answer says MORE, and reset when it says RESET. Changes told above the position are remembered by
 * revision (revisions are unique), so that a catch-up does not tell them twice; past
 * {@value #CATCH_UP_AFTER} of them, the watch catches up at once to move its position on. Runs on the client
 * loop, but for {@link #position} and {@link #close}.
 */
final class WatchSession implements Watching, Exchange {
    private static final System.Logger LOG = System.getLogger(WatchSession.class.getName());
    static final int CATCH_UP_AFTER = 1_000;

    private final ClientChannel channel;
    private final ClientConfig config;
    private final KeepAlive keepAlive;
    private final String prefix;
    private final WatchHandler handler;
    private final long intervalNanos;
    private final Runnable wakeLoop;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final TreeSet<Long> toldAbove = new TreeSet<>();
    private volatile Position position;
    private boolean askAtOnce = true;
    private boolean unanswered;
    /** A WATCH went out from the position held now (false once an answer moved it, until the next WATCH). */
    private boolean askedFromHere;
    private long lastRound;
    private double jitterDraw;
    private long nextResend;
    private long roundDeadline;
    private volatile boolean closed;

    WatchSession(ClientChannel channel, KeepAlive keepAlive, Runnable wakeLoop, String prefix, Position from,
                 WatchHandler handler) {
        this.channel = channel;
        this.config = channel.config();
        this.keepAlive = keepAlive;
        this.wakeLoop = wakeLoop;
        this.prefix = Ids.require(prefix);
        this.position = from;
        this.handler = handler;
        this.intervalNanos = config.queryInterval().toNanos();
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public Position position() {
        return position;
    }

    @Override
    public CompletionStage<Void> ready() {
        return ready;
    }

    @Override
    public void close() {
        closed = true;
        ready.completeExceptionally(new IllegalStateException("the watch was closed"));
        wakeLoop.run();
    }

    /** The client closed under this watch: tell the handler, unless the watch was closed first. */
    void ended() {
        ready.completeExceptionally(new IllegalStateException("the client of " + channel.server() + " is closed"));
        if (!closed) {
            call(handler::onClosed);
        }
    }

    /** On the loop: ask at once (the keep-alive saw the mapping change: register the new one). */
    void askNow() {
        askAtOnce = true;
    }

    @Override
    public long tick(long now) {
        if (closed) {
            return DONE;
        }
        long nextRound = askAtOnce ? now
                : lastRound + keepAlive.intervalNanos(intervalNanos)
                + (long) (jitterDraw * keepAlive.jitterNanos(config.queryJitter().toNanos()));
        if (now - nextRound >= 0) {
            ask(now, true);
            return Math.min(nextResend, lastRound + keepAlive.intervalNanos(intervalNanos));
        }
        if (unanswered && now - roundDeadline < 0 && now - nextResend >= 0) {
            ask(now, false);
        }
        return unanswered && now - roundDeadline < 0 ? Math.min(nextRound, nextResend) : nextRound;
    }

    /** A WATCH from the position; a new round (with the keep-alive's probe) or a resend within it. */
    private void ask(long now, boolean round) {
        List<Message> watch = List.of(Watches.watch(prefix, position));
        if (round) {
            channel.send(keepAlive.withRound(watch));
            lastRound = now;
            roundDeadline = now + config.requestTimeout().toNanos();
            jitterDraw = ThreadLocalRandom.current().nextDouble();
            askAtOnce = false;
        } else {
            channel.send(watch);
        }
        unanswered = true;
        askedFromHere = true;
        nextResend = now + config.resendTimeout().toNanos();
    }

    @Override
    public void received(Message m, long inReplyTo) {
        if (closed) {
            return;
        }
        if (m.type() == MessageType.CHANGED && m.id().startsWith(prefix)) {
            Watches.changed(m).ifPresent(this::changed);
        } else if (m.type() == MessageType.WATCHED && m.id().equals(prefix)) {
            Watches.watched(m).ifPresent(this::watched);
        }
    }

    private void changed(Watches.Changed change) {
        long revision = change.revision();
        if ((!position.isNow() && revision <= position.revision()) || !toldAbove.add(revision)) {
            return; // covered by the position, or told already
        }
        if (toldAbove.size() > 4 * CATCH_UP_AFTER) {
            toldAbove.pollLast(); // one no answer ever covers (forged from the server's address): bounded memory
        }
        String value = Values.decode(change.value());
        call(() -> handler.onChange(change.id(), value, revision));
        if (toldAbove.size() > CATCH_UP_AFTER) {
            askAtOnce = true;
            wakeLoop.run();
        }
    }

    private void watched(Watches.Watched answer) {
        Position at = answer.position();
        unanswered = false;
        if (answer.reset() && !askedFromHere && at.epoch() == position.epoch()) {
            // answers a WATCH from an older position (a resend's answer, or a late one): the answer that moved the
            // position was computed after it, so this reset says nothing of where the watch is now
            LOG.log(System.Logger.Level.DEBUG, () -> "watch of " + prefix + ": a late reset, ignored");
        } else if (answer.reset()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "watch of " + prefix + " at " + channel.server()
                    + ": reset, now at revision " + at.revision());
            call(() -> handler.onReset(at)); // before the position moves: whoever saves it saves it after the reset
            moveTo(at);
            toldAbove.clear();
        } else if (position.isNow() || at.epoch() != position.epoch() || at.revision() >= position.revision()) {
            moveTo(at); // a late answer to an earlier round never moves the position back
            toldAbove.headSet(at.revision(), true).clear();
        }
        ready.complete(null);
        if (answer.more()) {
            askAtOnce = true;
        }
    }

    private void moveTo(Position at) {
        if (!at.equals(position)) {
            position = at;
            askedFromHere = false;
        }
    }

    private void call(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a watch handler threw (watching goes on)", e);
        }
    }
}
