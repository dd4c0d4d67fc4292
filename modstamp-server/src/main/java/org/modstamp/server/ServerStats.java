package org.modstamp.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of what a server did, updated by its engine thread and readable from any thread (for metrics
 * and the status page), and an optional {@link Recorder} for latencies.
 */
public final class ServerStats {
    /** Receives latencies as they happen (engine thread); metrics libraries plug in here. */
    public interface Recorder {
        /** A batch of changes was made durable in {@code nanos}. */
        default void stored(int changes, long nanos) {
        }

        /** {@code datagrams} were handed to the kernel in {@code nanos}, Signals and replies of one batch. */
        default void sent(int datagrams, long nanos) {
        }
    }

    public final AtomicLong datagramsIn = new AtomicLong();
    public final AtomicLong datagramsOut = new AtomicLong();
    public final AtomicLong droppedMalformed = new AtomicLong();
    public final AtomicLong droppedNoPermission = new AtomicLong();
    public final AtomicLong droppedOther = new AtomicLong();
    /** Encrypted datagrams no key opened: tampered, wrong key, unknown profile id. */
    public final AtomicLong droppedUnauthenticated = new AtomicLong();
    /** Encrypted datagrams replayed, or sealed too long ago (or ahead). */
    public final AtomicLong droppedReplay = new AtomicLong();
    /** Encrypted datagrams from a new sender while the replay guard holds its most senders (none expired). */
    public final AtomicLong droppedTooManySenders = new AtomicLong();
    /**
     * Queries not registered, and Signals not sent, because the listener's endpoint speaks the other profile
     * type: a plain Query from an endpoint registered through an aead profile, a Signal of a plain registration
     * to such an endpoint.
     */
    public final AtomicLong profileMismatches = new AtomicLong();
    public final AtomicLong queries = new AtomicLong();
    public final AtomicLong changes = new AtomicLong();
    public final AtomicLong changesRefused = new AtomicLong();
    public final AtomicLong signals = new AtomicLong();
    public final AtomicLong storeFailures = new AtomicLong();
    /** Queries answered but not registered: their source address holds its quota of registrations. */
    public final AtomicLong listenersRefused = new AtomicLong();
    /** Signals not sent: their destination address had its quota for the second. */
    public final AtomicLong signalsRateLimited = new AtomicLong();
    /** Reply messages left out: the reply would have exceeded the amplification budget of its request. */
    public final AtomicLong repliesCut = new AtomicLong();
    /** Reply datagrams not sent: their destination prefix had no reply credit left (unauthenticated only). */
    public final AtomicLong repliesRateLimited = new AtomicLong();
    private volatile Recorder recorder = new Recorder() { };

    public Recorder recorder() {
        return recorder;
    }

    public void setRecorder(Recorder recorder) {
        this.recorder = recorder == null ? new Recorder() { } : recorder;
    }
}
