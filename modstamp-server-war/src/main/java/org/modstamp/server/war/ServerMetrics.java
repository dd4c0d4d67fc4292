package org.modstamp.server.war;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Timer;
import org.modstamp.server.ServerStats;

/** The server's counters and latencies as MicroProfile metrics (served by the container on /metrics). */
@ApplicationScoped
public class ServerMetrics {
    @Inject
    MetricRegistry registry;

    void register(ServerStats stats) {
        count("modstamp.datagrams.in", "Datagrams received", stats.datagramsIn);
        count("modstamp.datagrams.out", "Datagrams sent (Signals and replies)", stats.datagramsOut);
        count("modstamp.dropped.malformed", "Datagrams dropped: no header or a framing error", stats.droppedMalformed);
        count("modstamp.dropped.permission", "Datagrams dropped: no security profile grants access", stats.droppedNoPermission);
        count("modstamp.dropped.other", "Datagrams dropped: too long, or from port 0", stats.droppedOther);
        count("modstamp.dropped.unauthenticated", "Encrypted datagrams no key opened (tampered, wrong key)",
                stats.droppedUnauthenticated);
        count("modstamp.dropped.replay", "Encrypted datagrams replayed or sealed outside the time window",
                stats.droppedReplay);
        count("modstamp.dropped.senders", "Encrypted datagrams from new senders refused: the replay state is full",
                stats.droppedTooManySenders);
        count("modstamp.dropped.profile", "Plain datagrams from an endpoint that listens through an encrypted profile",
                stats.profileMismatches);
        count("modstamp.queries", "Q messages handled", stats.queries);
        count("modstamp.changes", "C messages handled", stats.changes);
        count("modstamp.changes.refused", "C messages from senders without write permission", stats.changesRefused);
        count("modstamp.signals", "Signals sent (one per listener and change)", stats.signals);
        count("modstamp.store.failures", "Batches the store could not make durable", stats.storeFailures);
        count("modstamp.limited.listeners", "Queries not registered: their address holds its quota", stats.listenersRefused);
        count("modstamp.limited.signals", "Signals not sent: their destination had its quota for the second",
                stats.signalsRateLimited);
        count("modstamp.limited.replies", "Reply messages left out by the amplification limit", stats.repliesCut);
        count("modstamp.limited.reply.rate", "Replies not sent: their destination network had no reply credit",
                stats.repliesRateLimited);
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

    private void count(String name, String description, AtomicLong value) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), value::get);
    }
}
