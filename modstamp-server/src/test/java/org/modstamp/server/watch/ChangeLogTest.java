package org.modstamp.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The change log: what it holds, what it says it holds, and how a catch-up walks it. */
class ChangeLogTest {
    private static List<String> since(ChangeLog log, long position, String prefix, int maxScanned, int room,
                                      long[] covered) {
        List<String> seen = new ArrayList<>();
        covered[0] = log.since(position, prefix, maxScanned, e -> {
            if (seen.size() == room) {
                return false;
            }
            seen.add(e.id() + "@" + e.revision());
            return true;
        });
        return seen;
    }

    @Test
    void theOldestEntriesGoFirstAndTheLogSaysSo() {
        ChangeLog log = new ChangeLog(3, 10);
        assertTrue(log.covers(10));
        assertFalse(log.covers(9), "before the log began");
        for (long r = 11; r <= 15; r++) {
            log.append(r, "a." + r);
        }
        assertEquals(15, log.head());
        assertEquals(3, log.size());
        assertFalse(log.covers(11), "12 is gone");
        assertTrue(log.covers(12));
        long[] covered = new long[1];
        assertEquals(List.of("a.13@13", "a.14@14", "a.15@15"), since(log, 12, "a.", 100, 100, covered));
        assertEquals(15, covered[0]);
        assertFalse(log.covers(16), "from the future");
    }

    @Test
    void eachIdOnceAtItsLatestAndACutSaysHowFarItGot() {
        ChangeLog log = new ChangeLog(100, 0);
        String[] ids = {"a.1", "b.1", "a.2", "a.1", "a.3", "a.2"};
        for (int i = 0; i < ids.length; i++) {
            log.append(i + 1, ids[i]);
        }
        long[] covered = new long[1];
        assertEquals(List.of("a.1@4", "a.3@5", "a.2@6"), since(log, 0, "a.", 100, 100, covered));
        assertEquals(6, covered[0]);
        assertEquals(List.of("a.1@4"), since(log, 0, "a.", 100, 1, covered), "room for one");
        assertEquals(4, covered[0], "everything up to 4 told: a.1's and a.2's older ones come later, newer");
        assertEquals(List.of("a.3@5", "a.2@6"), since(log, 4, "a.", 100, 100, covered));
        assertEquals(List.of(), since(log, 0, "a.", 2, 100, covered), "two entries looked at: a.1 and a.2 come later");
        assertEquals(2, covered[0]);
        log.append(6, "a.9");
        assertEquals(6, log.head(), "heard twice: ignored");
    }

    @Test
    void aGapOrASnapshotEmptiesTheLog() {
        ChangeLog log = new ChangeLog(100, 0);
        log.append(1, "a");
        log.append(3, "b");
        assertFalse(log.covers(1), "2 was never heard");
        assertTrue(log.covers(2));
        log.skipTo(10);
        assertEquals(10, log.head());
        assertFalse(log.covers(3));
        assertTrue(log.covers(10));
        log.append(11, "c");
        long[] covered = new long[1];
        assertEquals(List.of("c@11"), since(log, 10, "", 100, 100, covered));
    }
}
