package org.modstamp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.modstamp.wire.MappingProbe;
import org.modstamp.wire.Message;

/**
 * The keep-alive of a client's socket (one NAT mapping, shared by its listens), adaptive unless the config says
 * fixed. Every query round carries a PROBE without delay: a server with the mapping-probe extension answers with
 * the address and port it sees the socket at. From its first answer on, {@link LifetimeProbe}s on sockets of their
 * own learn how long the NAT keeps an idle mapping ({@link MappingLifetime}), and the listens query at the interval
 * that follows. When the server sees the socket at another address or port (the NAT restarted, or the mapping
 * expired and came back elsewhere), every listen queries at once (registering the new mapping), and the learned
 * age is re-checked at once (learning is started again if it was not over); the lifetime is learned again when a
 * re-check, at such a change and every 20 intervals (at least ten minutes apart), finds that the learned age no longer carries.
 * Against a server without the extension, the fixed interval holds. Runs on the client loop.
 */
final class KeepAlive implements Exchange {
    private static final System.Logger LOG = System.getLogger(KeepAlive.class.getName());
    /** A re-check of the learned lifetime every 20 intervals, and at least 10 minutes apart: at most 10% more. */
    static final int RECHECK_INTERVALS = 20;
    static final long RECHECK_MIN_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final ClientChannel channel;
    private final boolean adaptive;
    private final Runnable queryAllNow;
    private final String token = "k" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final MappingLifetime lifetime;
    private final List<LifetimeProbe> probes = new ArrayList<>();
    private LifetimeProbe recheck;
    private long nextRecheck;
    private boolean serverProbes;
    private InetSocketAddress seenAs;
    private long mappingChanges;
    private long relearned;
    private long started;
    private volatile KeepAliveStatus status;

    /** The keep-alive of {@code channel}; {@code queryAllNow} makes every listen query at once (on the loop). */
    KeepAlive(ClientChannel channel, Runnable queryAllNow) {
        this.channel = channel;
        ClientConfig config = channel.config();
        this.adaptive = config.adaptiveKeepAlive();
        this.lifetime = new MappingLifetime(MappingLifetime.ceilingFor(config.noResponseTimeout().toMillis(),
                config.requestTimeout().toMillis()));
        this.queryAllNow = queryAllNow;
        publish();
    }

    /** What a query round adds to its Queries: a PROBE that shows the mapping (none with a fixed keep-alive). */
    List<Message> withRound(List<Message> queries) {
        if (!adaptive) {
            return queries;
        }
        List<Message> round = new ArrayList<>(queries);
        round.add(MappingProbe.probe(token, 0));
        return round;
    }

    /** The interval the listens use now: learned, or {@code fixedNanos} while nothing is. */
    long intervalNanos(long fixedNanos) {
        long learned = lifetime.intervalMillis();
        return !adaptive || !serverProbes || learned == 0 ? fixedNanos : TimeUnit.MILLISECONDS.toNanos(learned);
    }

    /** The jitter to go with {@link #intervalNanos}. */
    long jitterNanos(long fixedJitterNanos) {
        return !adaptive || !serverProbes || lifetime.intervalMillis() == 0 ? fixedJitterNanos
                : TimeUnit.MILLISECONDS.toNanos(lifetime.jitterMillis());
    }

    KeepAliveStatus status() {
        return status;
    }

    @Override
    public long tick(long now) {
        if (!adaptive || !serverProbes) {
            return Long.MAX_VALUE;
        }
        for (Iterator<LifetimeProbe> it = probes.iterator(); it.hasNext(); ) {
            LifetimeProbe probe = it.next();
            probe.tick(now);
            if (probe.outcome() != LifetimeProbe.Outcome.RUNNING) {
                it.remove();
                probe.close();
                learned(probe);
                it = probes.iterator(); // learned() may have stopped others
            }
        }
        long nowMillis = TimeUnit.NANOSECONDS.toMillis(now);
        for (long age : lifetime.nextRound(nowMillis)) {
            start(age, now).ifPresent(probes::add);
        }
        long next = recheck(now);
        OptionalLong pauseEnd = lifetime.pauseEndMillis();
        if (pauseEnd.isPresent()) {
            next = Math.min(next, now + TimeUnit.MILLISECONDS.toNanos(pauseEnd.getAsLong() - nowMillis));
        }
        for (LifetimeProbe probe : probes) {
            next = Math.min(next, probe.tick(now));
        }
        publish();
        return next;
    }

    private Optional<LifetimeProbe> start(long age, long now) {
        try {
            started++;
            return Optional.of(LifetimeProbe.start(channel.server(), channel.config(), age, now));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not open a socket to probe the mapping lifetime", e);
            lifetime.abandoned(age);
            return Optional.empty();
        }
    }

    private void learned(LifetimeProbe probe) {
        long age = probe.ageMillis();
        switch (probe.outcome()) {
            case CARRIED, EXPIRED -> {
                List<Long> pointless = lifetime.resolved(age, probe.outcome() == LifetimeProbe.Outcome.CARRIED);
                probes.removeIf(p -> {
                    boolean stop = pointless.contains(p.ageMillis());
                    if (stop) {
                        p.close();
                    }
                    return stop;
                });
                LOG.log(System.Logger.Level.DEBUG, () -> "keep-alive of " + channel.server() + ": a mapping idle "
                        + age + " ms " + (probe.outcome() == LifetimeProbe.Outcome.CARRIED ? "carried" : "expired")
                        + "; keep-alive interval " + lifetime.intervalMillis() + " ms"
                        + (lifetime.settled() ? " (learned)" : ""));
            }
            default -> {
                lifetime.abandoned(age);
                LOG.log(System.Logger.Level.DEBUG, () -> "keep-alive of " + channel.server() + ": a probe of " + age
                        + " ms said nothing (" + probe.outcome() + ")");
            }
        }
    }

    /** Once learned, re-checks every 20 intervals (10 minutes at least) that a mapping of the learned age still carries. */
    private long recheck(long now) {
        if (!lifetime.settled() || lifetime.provenMillis() == 0) {
            return Long.MAX_VALUE;
        }
        if (recheck == null) {
            if (nextRecheck == 0) {
                nextRecheck = now + recheckNanos();
            }
            if (now - nextRecheck < 0) {
                return nextRecheck;
            }
            recheck = start(lifetime.provenMillis(), now).orElse(null);
            nextRecheck = now + recheckNanos();
            return recheck == null ? nextRecheck : now;
        }
        long due = recheck.tick(now);
        if (recheck.outcome() == LifetimeProbe.Outcome.RUNNING) {
            return due;
        }
        recheck.close();
        if (recheck.outcome() == LifetimeProbe.Outcome.EXPIRED) {
            relearn("a mapping idle " + recheck.ageMillis() + " ms no longer carries");
        }
        recheck = null;
        return nextRecheck;
    }

    private long recheckNanos() {
        return Math.max(RECHECK_MIN_NANOS, RECHECK_INTERVALS * TimeUnit.MILLISECONDS.toNanos(lifetime.intervalMillis()));
    }

    @Override
    public void received(Message m, long inReplyTo) {
        if (!adaptive) {
            return;
        }
        MappingProbe.read(m).filter(o -> o.token().equals(token)).ifPresent(observed -> {
            serverProbes = true;
            lifetime.listenerTtl(TimeUnit.SECONDS.toMillis(observed.listenerTtlSeconds()));
            if (seenAs != null && !seenAs.equals(observed.seen())) {
                mappingChanges++;
                InetSocketAddress before = seenAs;
                LOG.log(System.Logger.Level.DEBUG, () -> "keep-alive of " + channel.server() + ": the server sees "
                        + "this client at " + observed.seen() + ", no longer at " + before + ": querying at once, "
                        + "checking the learned lifetime");
                if (lifetime.settled() && recheck == null) { // a NAT that restarted keeps its lifetime, most likely
                    nextRecheck = System.nanoTime();
                } else {
                    relearn("the mapping changed");
                }
                queryAllNow.run();
            }
            seenAs = observed.seen();
            publish();
        });
    }

    private void relearn(String why) {
        relearned++;
        lifetime.forget();
        probes.forEach(LifetimeProbe::close);
        probes.clear();
        if (recheck != null) { // its outcome would belong to the lifetime just forgotten
            recheck.close();
            recheck = null;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "keep-alive of " + channel.server() + ": " + why
                + "; learning the mapping lifetime again");
    }

    private void publish() {
        long interval = lifetime.intervalMillis();
        boolean learning = adaptive && serverProbes && interval > 0;
        status = new KeepAliveStatus(adaptive, serverProbes, seenAs, Duration.ofMillis(lifetime.provenMillis()),
                learning ? Duration.ofMillis(interval) : channel.config().queryInterval(), lifetime.settled(),
                mappingChanges, relearned, started);
    }

    /** Closes the probes' sockets. */
    void close() {
        probes.forEach(LifetimeProbe::close);
        probes.clear();
        if (recheck != null) {
            recheck.close();
        }
    }
}
