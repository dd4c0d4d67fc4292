package org.modstamp.server.war;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Timer;
import org.modstamp.server.ServerStats;
import org.modstamp.server.ServerStats.Snapshot;

/** The server's counters and latencies as MicroProfile metrics (served by the container on /metrics). */
@ApplicationScoped
public class ServerMetrics {
    @Inject
    MetricRegistry registry;

    void register(ServerStats stats) {
        count(stats, "modstamp.datagrams.in", "Datagrams received", Snapshot::datagramsIn);
        count(stats, "modstamp.datagrams.out", "Datagrams sent (Signals and replies)", Snapshot::datagramsOut);
        count(stats, "modstamp.dropped.malformed", "Datagrams dropped: no header or a framing error",
                Snapshot::droppedMalformed);
        count(stats, "modstamp.dropped.permission", "Datagrams dropped: no security profile grants access",
                Snapshot::droppedNoPermission);
        count(stats, "modstamp.dropped.other", "Datagrams dropped: too long, or from port 0", Snapshot::droppedOther);
        count(stats, "modstamp.dropped.unauthenticated", "Encrypted datagrams no key opened (tampered, wrong key)",
                Snapshot::droppedUnauthenticated);
        count(stats, "modstamp.dropped.replay", "Encrypted datagrams replayed or sealed outside the time window",
                Snapshot::droppedReplay);
        count(stats, "modstamp.dropped.senders",
                "Encrypted datagrams from new senders refused: the replay state is full",
                Snapshot::droppedTooManySenders);
        count(stats, "modstamp.dropped.profile",
                "Plain datagrams from an endpoint that listens through an encrypted profile",
                Snapshot::profileMismatches);
        count(stats, "modstamp.queries", "Q messages handled", Snapshot::queries);
        count(stats, "modstamp.changes", "C messages handled", Snapshot::changes);
        count(stats, "modstamp.changes.refused", "C messages from senders without write permission",
                Snapshot::changesRefused);
        count(stats, "modstamp.queries.refused", "Q messages for ids the sender's profile does not let it read",
                Snapshot::queriesRefused);
        count(stats, "modstamp.signals", "Signals sent (one per listener and change)", Snapshot::signals);
        count(stats, "modstamp.store.failures", "Batches the store could not make durable", Snapshot::storeFailures);
        count(stats, "modstamp.limited.listeners", "Queries not registered: their address holds its quota",
                Snapshot::listenersRefused);
        count(stats, "modstamp.limited.signals", "Signals not sent: their destination had its quota for the second",
                Snapshot::signalsRateLimited);
        count(stats, "modstamp.limited.replies", "Reply messages left out by the amplification limit",
                Snapshot::repliesCut);
        count(stats, "modstamp.limited.reply.rate", "Replies not sent: their destination network had no reply credit",
                Snapshot::repliesRateLimited);
        gauge("modstamp.probes", "Mapping probes (P) answered", stats::probes);
        gauge("modstamp.probes.refused", "Delayed mapping probes answered at once only: a delay past the listener "
                + "TTL, or too many pending", stats::probesRefused);
        gauge("modstamp.watches", "Watches of a prefix (W) answered", stats::watches);
        gauge("modstamp.watches.reset", "Watches answered with a reset: a position of another store, or older than "
                + "the change log", stats::watchResets);
        gauge("modstamp.keeps", "Summary keep-alives (K, joins aside) answered", stats::keeps);
        gauge("modstamp.keeps.renewed", "Summary keep-alives whose summary agreed: every id of the set registered "
                + "again", stats::keepsRenewed);
        Timer store = registry.timer(Metadata.builder().withName("modstamp.store.commit")
                .withDescription("Time to make a batch of changes durable").build());
        Timer send = registry.timer(Metadata.builder().withName("modstamp.send")
                .withDescription("Time to hand a batch of datagrams (a fan-out, replies) to the kernel").build());
        stats.setRecorder(new ServerStats.Recorder() {
            @Override
            public void stored(int changes, long nanos) {
                store.update(Duration.ofNanos(nanos));
            }

            @Override
            public void sent(int datagrams, long nanos) {
                send.update(Duration.ofNanos(nanos));
            }
        });
    }

    /** A gauge of one counter, read from a snapshot of {@code stats} at each scrape. */
    private void count(ServerStats stats, String name, String description, ToLongFunction<Snapshot> counter) {
        gauge(name, description, () -> counter.applyAsLong(stats.snapshot()));
    }

    private void gauge(String name, String description, LongSupplier value) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), value::getAsLong);
    }
}
