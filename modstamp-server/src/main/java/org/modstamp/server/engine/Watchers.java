package org.modstamp.server.engine;

import java.util.Map;
import java.util.Optional;

import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.store.SharedValueStore;
import org.modstamp.server.store.ValueStore;
import org.modstamp.server.watch.ChangeLog;
import org.modstamp.server.watch.WatchedPrefixes;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;
import org.modstamp.wire.Watches;

/**
 * The watch extension's half of the server: the prefixes watched, the recent changes a watcher catches up from,
 * the WATCHs answered and the CHANGEDs told. A watch is a listener of its prefix's {@link WatchedPrefixes#key}, so
 * the registration budgets and profiles of ids apply to it. Not thread-safe: the engine thread owns it.
 */
final class Watchers {
    /** Changes a watcher can catch up from (about 60 bytes each, ids aside: 6 MB). */
    static final int CHANGE_LOG_SIZE = 100_000;
    /** Log entries one datagram's WATCHs look at, and changes one WATCH is told, at most: a bounded cost. */
    static final int CATCH_UP_SCAN = 4_096;
    static final int CATCH_UP_CHANGES = 256;
    /** Room left in a datagram of {@code maxPacketSize} for its header and an aead profile's seal. */
    static final int ONE_DATAGRAM_MARGIN = 96;

    /** What the WATCHs of one datagram may still look at in the log, all together. */
    static final class ScanBudget {
        private int left = CATCH_UP_SCAN;
    }

    private final ServerConfig config;
    private final ValueStore store;
    private final ServerStats stats;
    private final Listeners listeners;
    private final WatchedPrefixes watched = new WatchedPrefixes();
    /** Replaced when a shared store's revisions begin again under a new epoch. */
    private ChangeLog changeLog;

    Watchers(ServerConfig config, ValueStore store, ServerStats stats, Listeners listeners) {
        this.config = config;
        this.store = store;
        this.stats = stats;
        this.listeners = listeners;
        this.changeLog = new ChangeLog(CHANGE_LOG_SIZE, store.position().revision());
    }

    /**
     * Registers the sender as a watcher of the prefix and answers with what it missed since its position (the
     * latest change of each id, in one datagram with the WATCHED, within the request's reply budget and
     * {@value #CATCH_UP_CHANGES} changes, {@link Watches#MORE} when cut), or with the head and {@link Watches#RESET}
     * when that position is of another epoch, older than the change log, or its first change does not fit the
     * budget. A watcher needs read access to every id under the prefix. A WATCH whose position is not 16 bytes is
     * ignored.
     */
    void watch(Request request, Message message, int now, Batch batch, Replies replies, ScanBudget scan) {
        Optional<Watches.Position> from = Watches.position(message);
        String prefix = message.id();
        if (from.isEmpty()) {
            return;
        }
        if (!request.mayReadPrefix(prefix)) {
            stats.queryRefused();
            return;
        }
        stats.watchHandled();
        if (listeners.register(WatchedPrefixes.key(prefix), request, now)) {
            watched.watched(prefix); // a refused watch adds no prefix: what forged Ws can grow is the registry's
        }
        long epoch = store.position().epoch();
        long head = changeLog.head();
        Watches.Position at = from.get();
        if (at.isNow() || (at.epoch() == epoch && at.revision() == head && changeLog.covers(head))) {
            replies.answer(Watches.watched(prefix, new Watches.Position(epoch, head), 0));
            return;
        }
        int budget = scan.left;
        long covered = at.epoch() == epoch && changeLog.covers(at.revision())
                ? catchUp(prefix, at, batch, replies, scan) : -1;
        if (covered <= at.revision() && budget > 0) {
            // another epoch, a position the log does not cover, or a first change too big for the reply budget
            stats.watchReset();
            replies.answer(Watches.watched(prefix, new Watches.Position(epoch, head), Watches.RESET));
        } else {
            replies.answer(Watches.watched(prefix, new Watches.Position(epoch, Math.max(covered, at.revision())),
                    covered < head ? Watches.MORE : 0));
        }
    }

    /**
     * Answers the changes under {@code prefix} after {@code at}, all in one datagram with the WATCHED that follows
     * (so that a lost datagram never moves the watcher past changes it did not get); returns the revision up to
     * which they were told. The log entries looked at are taken from the datagram's budget.
     */
    private long catchUp(String prefix, Watches.Position at, Batch batch, Replies replies, ScanBudget scan) {
        replies.finish(batch); // the catch-up and its WATCHED start a datagram of their own
        int closing = Watches.watched(prefix, at, 0).encodedLength();
        int[] room = {config.maxPacketSize() - ONE_DATAGRAM_MARGIN - closing};
        int[] told = {0};
        long covered = changeLog.since(at.revision(), prefix, scan.left, entry -> {
            Message changed = Watches.changed(entry.id(), store.get(entry.id()), entry.revision());
            int bytes = changed.encodedLength();
            if (told[0] == CATCH_UP_CHANGES || bytes > room[0] || !replies.hasRoom(bytes + closing)) {
                return false;
            }
            told[0]++;
            room[0] -= bytes;
            replies.answer(changed);
            return true;
        });
        scan.left = (int) Math.max(0, scan.left - (covered - at.revision()) - 1);
        return covered;
    }

    /** The changes this instance stored, the last at {@code last}: told to their watchers (an unshared store's). */
    void stored(Map<String, byte[]> changes, long last, int now, Batch batch) {
        long revision = last - changes.size();
        for (Map.Entry<String, byte[]> change : changes.entrySet()) {
            changed(change.getKey(), change.getValue(), ++revision, now, batch);
        }
    }

    /**
     * The changes heard from a shared store, in its order (the one order of every instance's changes: the change log
     * is written from it alone); {@code anyDiffered} when one of them was new here.
     */
    void heard(SharedValueStore.Heard heard, Map<String, byte[]> changes, boolean anyDiffered, int now, Batch batch) {
        if (heard.epoch() != 0 && heard.epoch() != store.position().epoch()) {
            // the store's count was lost and began again under a new epoch: every position of before is reset
            ((SharedValueStore) store).adoptEpoch(heard.epoch());
            changeLog = new ChangeLog(CHANGE_LOG_SIZE, heard.snapshot() ? heard.revision()
                    : heard.revision() - heard.values().size());
        }
        long revision = heard.revision() - changes.size(); // the one before the first heard
        if (!heard.snapshot() && revision >= 0) {
            for (Map.Entry<String, byte[]> change : changes.entrySet()) {
                changed(change.getKey(), change.getValue(), ++revision, now, batch);
            }
        } else if (heard.snapshot() && heard.revision() > changeLog.head()) {
            changeLog.skipTo(heard.revision()); // what was missed is not known: the watchers behind it are reset
        } else if (anyDiffered) {
            // a change of an instance of before, or a snapshot that is not ahead (the store's count went back):
            // no watcher is told a made-up revision; every one is reset at its next WATCH
            changeLog.forgetAll();
        }
    }

    /** A CHANGED of the change at {@code revision} to every live watcher of a prefix of {@code id}, and into the log. */
    private void changed(String id, byte[] value, long revision, int now, Batch batch) {
        changeLog.append(revision, id);
        watched.forEachPrefixOf(id, prefix -> listeners.send(WatchedPrefixes.key(prefix),
                MessageEncoder.plainDatagram(Watches.changed(id, value, revision)), now, batch));
    }

    /** Forgets the prefixes nobody watches any more (after the registry's sweep). */
    void sweep() {
        watched.sweep(prefix -> listeners.isListened(WatchedPrefixes.key(prefix)));
    }
}
