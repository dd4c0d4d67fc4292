package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.modstamp.wire.Message;
import org.modstamp.wire.Summaries;

/**
 * The summary keep-alive's sets: for each (endpoint, set name), the ids that its JOINed Queries registered, so that
 * one KEEP whose summary agrees with the server's renews them all. A set holds only ids its endpoint registered
 * (so the registry's budgets bound it), at most {@value #SETS_PER_ENDPOINT} sets per endpoint, and is forgotten a
 * listener TTL after it was last joined or renewed. Summarizing and renewing cost a hash and a registration per id:
 * a set's summary is computed, and the set renewed, at most once per {@value #RENEW_EVERY_SECONDS} s (a KEEP within
 * that is answered from the summary of that second), so that KEEPs, replayed or with any summary, cost little more
 * than their datagrams. Not thread-safe: the engine thread owns it.
 */
final class KeptSets {
    static final int SETS_PER_ENDPOINT = 4;
    static final int RENEW_EVERY_SECONDS = 1;

    private record Key(InetSocketAddress endpoint, String set) {
    }

    private static final class Kept {
        private final Set<String> ids = new LinkedHashSet<>();
        private int generation;
        private int touched;
        private int renewed = -RENEW_EVERY_SECONDS; // never: seconds count from 0
        /** The set's summary as last computed (null: to compute), at second {@code summarized}. */
        private Summaries.Summary summary;
        private int summarized;
    }

    private final Map<Key, Kept> sets = new HashMap<>();
    private final Map<InetSocketAddress, Integer> perEndpoint = new HashMap<>();
    private final int ttlSeconds;

    KeptSets(int ttlSeconds) {
        this.ttlSeconds = ttlSeconds;
    }

    /**
     * What the Queries that follow a JOIN in one datagram join: the set of {@code endpoint} named {@code set}, of
     * {@code generation} (a newer one than the set's empties it first; an older one joins nothing). Null when the
     * endpoint has {@value #SETS_PER_ENDPOINT} sets already.
     */
    Joining join(InetSocketAddress endpoint, String set, int generation, int now) {
        Key key = new Key(endpoint, set);
        Kept kept = sets.get(key);
        if (kept == null) {
            if (perEndpoint.getOrDefault(endpoint, 0) >= SETS_PER_ENDPOINT) {
                return null;
            }
            kept = new Kept();
            kept.generation = generation;
            sets.put(key, kept);
            perEndpoint.merge(endpoint, 1, Integer::sum);
        } else if (generation - kept.generation > 0) {
            kept.ids.clear();
            kept.generation = generation;
            kept.summary = null;
        }
        kept.touched = now;
        return new Joining(set, kept, generation == kept.generation);
    }

    /** The ids of one datagram that join a set, and the KEPT that answers its JOIN. */
    static final class Joining {
        private final String set;
        private final Kept kept;
        private final boolean current;

        private Joining(String set, Kept kept, boolean current) {
            this.set = set;
            this.kept = kept;
            this.current = current;
        }

        /** {@code id} was registered by a Query of the datagram. */
        void registered(String id) {
            if (current && kept.ids.add(id)) {
                kept.summary = null;
            }
        }

        /** The answer: JOINED, with the set's generation and count now (no digest: it would cost a hash per id). */
        Message answer() {
            return Summaries.kept(set, Summaries.JOINED, new Summaries.Summary(kept.generation, kept.ids.size(), 0));
        }
    }

    /**
     * Answers the KEEP (without JOIN) of {@code endpoint}: when the set's generation, count and digest (of the ids
     * with their values now, from {@code values}) are the client's, {@code renew} registers each id again (an id it
     * refuses leaves the set) and the answer says RENEWED; otherwise it gives the server's summary, and the client
     * joins its set anew.
     */
    Message keep(InetSocketAddress endpoint, Summaries.Keep keep, int now, Function<String, byte[]> values,
                 Function<String, Boolean> renew) {
        Kept kept = sets.get(new Key(endpoint, keep.set()));
        if (kept == null) {
            return Summaries.kept(keep.set(), 0, new Summaries.Summary(0, 0, 0));
        }
        if (kept.summary == null || now - kept.summarized >= RENEW_EVERY_SECONDS) {
            long digest = 0;
            for (String id : kept.ids) {
                digest += Summaries.hash(id, values.apply(id));
            }
            kept.summary = new Summaries.Summary(kept.generation, kept.ids.size(), digest);
            kept.summarized = now;
        }
        Summaries.Summary ours = kept.summary;
        if (!ours.equals(keep.summary())) {
            return Summaries.kept(keep.set(), 0, ours);
        }
        if (now - kept.renewed >= RENEW_EVERY_SECONDS) { // renewed a moment ago: not again
            if (kept.ids.removeIf(id -> !renew.apply(id))) {
                kept.summary = null; // an id left: the next KEEP disagrees, and the client joins its set anew
            }
            kept.touched = now;
            kept.renewed = now;
        }
        return Summaries.kept(keep.set(), Summaries.RENEWED, ours);
    }

    /** Forgets the sets neither joined nor renewed for a listener TTL. */
    void sweep(int now) {
        for (Iterator<Map.Entry<Key, Kept>> it = sets.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Kept> entry = it.next();
            if (now - entry.getValue().touched > ttlSeconds) {
                it.remove();
                perEndpoint.computeIfPresent(entry.getKey().endpoint(), (e, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    /** Sets held now. */
    int size() {
        return sets.size();
    }
}
