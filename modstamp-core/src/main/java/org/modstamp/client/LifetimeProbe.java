package org.modstamp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.modstamp.wire.MappingProbe;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageType;

/**
 * One probe of a mapping's lifetime, on a socket of its own (so that the listen's mapping is never put at risk):
 * a first PROBE with no delay, then, 2.5 s later, one with the age to test (Linux' conntrack gives a mapping its
 * longer "stream" lifetime once it carried traffic more than 2 s after an answer: the probe's mapping is then in
 * the state of a listen's), resent until the server acknowledges it; then silence. The server's delayed answer
 * arriving within a second of the age says that a mapping of that age still carries traffic; an acknowledgement
 * flagged refused ends the probe without an answer. Runs on the client loop; {@link #close} closes its socket.
 */
final class LifetimeProbe implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LifetimeProbe.class.getName());
    static final long WARM_NANOS = TimeUnit.MILLISECONDS.toNanos(2_500);
    static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How a probe ended: REFUSED when the server said it would not send the delayed answer. */
    enum Outcome { RUNNING, CARRIED, EXPIRED, UNANSWERED, REFUSED }

    private enum Phase { WARMING, ASKING, WAITING }

    private final long ageMillis;
    private final ClientChannel channel;
    private final ClientConfig config;
    private final String prefix = "p" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    /** Every PROBE with a delay sent, by token: when. */
    private final Map<String, Long> asked = new HashMap<>();
    private Phase phase = Phase.WARMING;
    private String acknowledged;
    private int answers;
    private long askedAt;
    private long next;
    private long askingUntil;
    private Outcome outcome = Outcome.RUNNING;

    private LifetimeProbe(long ageMillis, ClientChannel channel) {
        this.ageMillis = ageMillis;
        this.channel = channel;
        this.config = channel.config();
    }

    /** A probe of {@code ageMillis}, its first PROBE sent at {@code now}. */
    static LifetimeProbe start(InetSocketAddress server, ClientConfig config, long ageMillis, long now)
            throws IOException {
        LifetimeProbe probe = new LifetimeProbe(ageMillis, ClientChannel.open(server, config));
        probe.channel.send(List.of(MappingProbe.probe(probe.prefix + "w", 0)));
        probe.next = now + WARM_NANOS;
        return probe;
    }

    long ageMillis() {
        return ageMillis;
    }

    Outcome outcome() {
        return outcome;
    }

    /** Sends what is due, reads what came; returns when it is next due (its outcome is set once it ended). */
    long tick(long now) {
        readAnswers();
        if (outcome != Outcome.RUNNING) {
            return now;
        }
        if (now - next < 0) {
            return next;
        }
        switch (phase) {
            case WARMING -> {
                phase = Phase.ASKING;
                askingUntil = now + config.requestTimeout().toNanos();
                ask(now);
            }
            case ASKING -> {
                if (now - askingUntil >= 0) {
                    outcome = Outcome.UNANSWERED;
                } else {
                    ask(now);
                }
            }
            case WAITING -> outcome = Outcome.EXPIRED;
            default -> throw new IllegalStateException(phase.toString());
        }
        return next;
    }

    /** A PROBE with the age, under a token of its own (a late acknowledgement names the request it answers). */
    private void ask(long now) {
        String token = prefix + "a" + asked.size();
        asked.put(token, now);
        channel.send(List.of(MappingProbe.probe(token, ageMillis)));
        next = now + config.resendTimeout().toNanos();
    }

    private void readAnswers() {
        try {
            for (Optional<ClientChannel.Received> r; (r = channel.receive()).isPresent(); ) {
                r.get().messages().forEach(this::answered);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "a lifetime probe's socket failed", e);
            outcome = Outcome.UNANSWERED;
        }
    }

    private void answered(Message m) {
        if (m.type() != MessageType.OBSERVED || !asked.containsKey(m.id())) {
            return;
        }
        if (phase == Phase.ASKING && MappingProbe.read(m).map(MappingProbe.Observed::refused).orElse(false)) {
            outcome = Outcome.REFUSED; // a server out of room (or credit) for delayed answers: this says nothing
        } else if (phase == Phase.ASKING) { // the first answer of a token is its acknowledgement
            phase = Phase.WAITING;
            acknowledged = m.id();
            answers = 1;
            askedAt = asked.get(m.id());
            next = askedAt + TimeUnit.MILLISECONDS.toNanos(ageMillis) + GRACE_NANOS;
        } else if (phase == Phase.WAITING && m.id().equals(acknowledged)
                && ++answers > config.sendRepeat()) { // past the acknowledgements of each copy sent: a delayed one
            outcome = Outcome.CARRIED;
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
