package org.modstamp.client;

import java.util.concurrent.ThreadLocalRandom;

import org.modstamp.wire.Message;
import org.modstamp.wire.Summaries;

/**
 * The summary keep-alive of one listen: while the server holds the listen's ids as a set of this endpoint, a
 * keep-alive round is one KEEP with the set's summary (its generation, how many ids, the digest of the ids with
 * their values as the listen knows them) instead of a Query per id; when the server's summary differs (it lost the
 * set, a registration expired, the listen missed a Signal) or nothing answers, the listen queries every id again,
 * as a new generation of the set. Against a server without the extension (no KEPT after
 * {@value #ROUNDS_BEFORE_GIVING_UP} answered rounds) it stops sending KEEPs. Runs on the client loop.
 */
final class ListenSummary {
    static final int ROUNDS_BEFORE_GIVING_UP = 3;

    /** The set's name: random, so that a forger cannot renew, nor guess, the set of another endpoint. */
    private final String set = "s" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final Summaries.Digest digest = new Summaries.Digest();
    private int generation;
    /** How many ids the server said the current generation has (the most it said). */
    private int joined;
    private boolean serverKeeps;
    private int roundsWithoutKept;
    /** Whether the server holds the whole set now: a round may be one KEEP. */
    private boolean complete;

    /** The value the listen knows for {@code id} went from {@code old} to {@code now} (null: none known). */
    void changed(String id, byte[] old, byte[] now) {
        if (old != null) {
            digest.remove(id, old);
        }
        if (now != null) {
            digest.add(id, now);
        }
    }

    /** Whether the next round may be a KEEP of {@code ids} ids. */
    boolean mayKeep(int ids) {
        return complete && serverKeeps && ids > 0;
    }

    /** The KEEP of a keep-alive round. */
    Message keep(int ids) {
        return Summaries.keep(set, 0, new Summaries.Summary(generation, ids, digest.value()));
    }

    /** A round of every id starts: a new generation of the set, which its Queries join. */
    void fullRound() {
        generation++;
        joined = 0;
        complete = false;
    }

    /** What leads every datagram of Queries, so that they join the set: null once the server proved it has no sets. */
    Message join() {
        return roundsWithoutKept >= ROUNDS_BEFORE_GIVING_UP ? null
                : Summaries.keep(set, Summaries.JOIN, new Summaries.Summary(generation, 0, 0));
    }

    /** The ids changed (one was removed, the mapping moved): the next round queries every id. */
    void invalidate() {
        complete = false;
    }

    /** Every Query of the round was answered, for {@code ids} ids: the set is complete if the server joined them all. */
    void answered(int ids) {
        if (!serverKeeps) {
            roundsWithoutKept++;
        }
        complete = serverKeeps && joined == ids;
    }

    /** What a KEPT said to this listen. */
    enum Answer {
        /** Not for this listen's set (or not a KEPT). */
        NOT_OURS,
        /** Queries joined the set. */
        JOINED,
        /** The summaries agreed: every id of the set is registered again. */
        RENEWED,
        /** The server's set is not the listen's: it must query every id. */
        DIFFERS
    }

    /** A KEPT came; {@code roundAnswered} when every Query of the round was answered already (for {@code ids} ids). */
    Answer kept(Message m, int ids, boolean roundAnswered) {
        var read = Summaries.read(m).filter(k -> k.set().equals(set));
        if (read.isEmpty()) {
            return Answer.NOT_OURS;
        }
        Summaries.Keep kept = read.get();
        serverKeeps = true;
        roundsWithoutKept = 0;
        if (kept.has(Summaries.JOINED)) {
            if (kept.summary().generation() == generation) {
                joined = Math.max(joined, kept.summary().count());
                if (roundAnswered) {
                    answered(ids);
                }
            }
            return Answer.JOINED;
        }
        if (kept.has(Summaries.RENEWED)) {
            return Answer.RENEWED;
        }
        complete = false;
        return Answer.DIFFERS;
    }

    String set() {
        return set;
    }
}
