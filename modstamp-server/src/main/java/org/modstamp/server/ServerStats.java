package org.modstamp.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of what a server did, counted by its engine thread (one method per event) and read from any
 * thread through {@link #snapshot()} (for metrics and the status page), and an optional {@link Recorder}
 * for latencies.
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

    /**
     * The counters at one moment (each read on its own: two of them may be a datagram apart).
     *
     * @param datagramsIn            datagrams received
     * @param datagramsOut           datagrams sent: Signals and replies
     * @param droppedMalformed       datagrams with no valid header or a framing error
     * @param droppedNoPermission    datagrams no security profile grants anything
     * @param droppedOther           datagrams too long, or from port 0
     * @param droppedUnauthenticated encrypted datagrams no key opened: tampered, wrong key, unknown profile id
     * @param droppedReplay          encrypted datagrams replayed, or sealed too long ago (or ahead)
     * @param droppedTooManySenders  encrypted datagrams from a new sender while the replay guard holds its most
     *                               senders (none expired)
     * @param profileMismatches      Queries not registered, and Signals not sent, because the listener's endpoint
     *                               speaks the other profile type: a plain Query from an endpoint registered through
     *                               an aead profile, a Signal of a plain registration to such an endpoint
     * @param queries                Q messages handled
     * @param changes                C messages handled
     * @param changesRefused         C messages from senders without write permission
     * @param signals                Signals sent (one per listener and change)
     * @param storeFailures          batches the store could not make durable
     * @param listenersRefused       Queries answered but not registered: their source address holds its quota
     * @param signalsRateLimited     Signals not sent: their destination address had its quota for the second
     * @param repliesCut             reply messages left out: the reply would have exceeded the amplification
     *                               budget of its request
     * @param repliesRateLimited     reply datagrams not sent: their destination prefix had no reply credit left
     *                               (unauthenticated only)
     * @param queriesRefused         Q messages for ids the sender's profile does not let it read (no Reply, no
     *                               registration)
     */
    public record Snapshot(long datagramsIn, long datagramsOut, long droppedMalformed, long droppedNoPermission,
                           long droppedOther, long droppedUnauthenticated, long droppedReplay,
                           long droppedTooManySenders, long profileMismatches, long queries, long changes,
                           long changesRefused, long signals, long storeFailures, long listenersRefused,
                           long signalsRateLimited, long repliesCut, long repliesRateLimited, long queriesRefused) {
        /** Datagrams dropped for any reason, and Queries and Signals a profile mismatch stopped. */
        public long dropped() {
            return droppedMalformed + droppedNoPermission + droppedOther + droppedUnauthenticated + droppedReplay
                    + droppedTooManySenders + profileMismatches;
        }

        /** What an abuse limit held back: registrations, Signals, reply messages and reply datagrams. */
        public long limited() {
            return listenersRefused + signalsRateLimited + repliesCut + repliesRateLimited;
        }
    }

    private final AtomicLong datagramsIn = new AtomicLong();
    private final AtomicLong datagramsOut = new AtomicLong();
    private final AtomicLong droppedMalformed = new AtomicLong();
    private final AtomicLong droppedNoPermission = new AtomicLong();
    private final AtomicLong droppedOther = new AtomicLong();
    private final AtomicLong droppedUnauthenticated = new AtomicLong();
    private final AtomicLong droppedReplay = new AtomicLong();
    private final AtomicLong droppedTooManySenders = new AtomicLong();
    private final AtomicLong profileMismatches = new AtomicLong();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong changesRefused = new AtomicLong();
    private final AtomicLong signals = new AtomicLong();
    private final AtomicLong storeFailures = new AtomicLong();
    private final AtomicLong listenersRefused = new AtomicLong();
    private final AtomicLong signalsRateLimited = new AtomicLong();
    private final AtomicLong repliesCut = new AtomicLong();
    private final AtomicLong repliesRateLimited = new AtomicLong();
    private final AtomicLong queriesRefused = new AtomicLong();
    private final AtomicLong probes = new AtomicLong();
    private final AtomicLong probesRefused = new AtomicLong();
    private final AtomicLong watches = new AtomicLong();
    private final AtomicLong watchResets = new AtomicLong();
    private final AtomicLong keeps = new AtomicLong();
    private final AtomicLong keepsRenewed = new AtomicLong();
    private volatile Recorder recorder = new Recorder() { };

    /** The counters now. */
    public Snapshot snapshot() {
        return new Snapshot(datagramsIn.get(), datagramsOut.get(), droppedMalformed.get(), droppedNoPermission.get(),
                droppedOther.get(), droppedUnauthenticated.get(), droppedReplay.get(), droppedTooManySenders.get(),
                profileMismatches.get(), queries.get(), changes.get(), changesRefused.get(), signals.get(),
                storeFailures.get(), listenersRefused.get(), signalsRateLimited.get(), repliesCut.get(),
                repliesRateLimited.get(), queriesRefused.get());
    }

    public void datagramReceived() {
        datagramsIn.incrementAndGet();
    }

    public void datagramsSent(int count) {
        datagramsOut.addAndGet(count);
    }

    public void droppedMalformed() {
        droppedMalformed.incrementAndGet();
    }

    public void droppedNoPermission() {
        droppedNoPermission.incrementAndGet();
    }

    public void droppedOther() {
        droppedOther.incrementAndGet();
    }

    public void droppedUnauthenticated() {
        droppedUnauthenticated.incrementAndGet();
    }

    public void droppedReplay() {
        droppedReplay.incrementAndGet();
    }

    public void droppedTooManySenders() {
        droppedTooManySenders.incrementAndGet();
    }

    public void profileMismatch() {
        profileMismatches.incrementAndGet();
    }

    public void queryHandled() {
        queries.incrementAndGet();
    }

    public void changeHandled() {
        changes.incrementAndGet();
    }

    public void queryRefused() {
        queriesRefused.incrementAndGet();
    }

    /** A PROBE of the mapping-probe extension answered. */
    public void probeHandled() {
        probes.incrementAndGet();
    }

    /** A delayed PROBE answered at once only: its delay was over the listener TTL, or too many were pending. */
    public void probeRefused() {
        probesRefused.incrementAndGet();
    }

    /** PROBEs answered since the start. */
    public long probes() {
        return probes.get();
    }

    /** Delayed PROBEs answered at once only since the start. */
    public long probesRefused() {
        return probesRefused.get();
    }

    /** A WATCH of the watch extension answered. */
    public void watchHandled() {
        watches.incrementAndGet();
    }

    /** A WATCH answered with a reset: its position was of another store, or older than the change log. */
    public void watchReset() {
        watchResets.incrementAndGet();
    }

    /** WATCHes answered since the start. */
    public long watches() {
        return watches.get();
    }

    /** WATCHes answered with a reset since the start. */
    public long watchResets() {
        return watchResets.get();
    }

    /** A KEEP of the summary keep-alive (not a JOIN) answered; {@code renewed} when its summary agreed and its set was renewed. */
    public void keepHandled(boolean renewed) {
        keeps.incrementAndGet();
        if (renewed) {
            keepsRenewed.incrementAndGet();
        }
    }

    /** KEEPs (summary keep-alives, JOINs aside) answered since the start. */
    public long keeps() {
        return keeps.get();
    }

    /** KEEPs whose summary agreed, renewing their set, since the start. */
    public long keepsRenewed() {
        return keepsRenewed.get();
    }

    public void changeRefused() {
        changesRefused.incrementAndGet();
    }

    public void signalSent() {
        signals.incrementAndGet();
    }

    public void storeFailed() {
        storeFailures.incrementAndGet();
    }

    public void listenerRefused() {
        listenersRefused.incrementAndGet();
    }

    public void signalRateLimited() {
        signalsRateLimited.incrementAndGet();
    }

    public void replyCut() {
        repliesCut.incrementAndGet();
    }

    public void replyRateLimited() {
        repliesRateLimited.incrementAndGet();
    }

    public Recorder recorder() {
        return recorder;
    }

    public void setRecorder(Recorder recorder) {
        this.recorder = recorder == null ? new Recorder() { } : recorder;
    }
}
