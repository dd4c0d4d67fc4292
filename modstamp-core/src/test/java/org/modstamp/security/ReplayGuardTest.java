package org.modstamp.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.modstamp.security.ReplayGuard.Verdict;

/** Freshness per authenticated sender: a counter window, a timestamp window, and state forgotten only by time. */
class ReplayGuardTest {
    private static final long NOW = 1_764_000_000_000L;

    private static Aead.Opened opened(int sender, long counter, long timestamp) {
        byte[] id = new byte[Aead.SENDER_BYTES];
        id[0] = (byte) sender;
        id[1] = (byte) (sender >> 8);
        id[2] = (byte) (sender >> 16);
        return new Aead.Opened(Aead.Direction.REQUEST, id, counter, 0, timestamp, ByteBuffer.allocate(0), 0);
    }

    @Test
    void eachCounterOfASenderIsAcceptedOnceInAnyOrderWithinTheWindow() {
        ReplayGuard guard = new ReplayGuard(30_000, 10);
        for (long c = 5_000; c >= 1; c -= 2) {
            assertEquals(c > 5_000 - ReplayWindow.SIZE ? Verdict.FRESH : Verdict.REPLAY,
                    guard.check("ops", opened(1, c, NOW), NOW), "counter " + c);
        }
        for (long c = 5_001; c <= 10_000; c++) {
            assertEquals(Verdict.FRESH, guard.check("ops", opened(1, c, NOW), NOW), "counter " + c);
            assertEquals(Verdict.REPLAY, guard.check("ops", opened(1, c, NOW), NOW), "counter " + c + " again");
        }
        assertEquals(Verdict.REPLAY, guard.check("ops", opened(1, 10_000 - ReplayWindow.SIZE, NOW), NOW), "too far behind");
        assertEquals(Verdict.FRESH, guard.check("ops", opened(2, 10_000, NOW), NOW), "another sender has its own window");
        assertEquals(Verdict.FRESH, guard.check("other", opened(1, 10_000, NOW), NOW), "so has one of another profile");
    }

    @Test
    void timestampsOutsideTheWindowAreStale() {
        ReplayGuard guard = new ReplayGuard(30_000, 10);
        assertEquals(Verdict.STALE, guard.check("ops", opened(1, 1, NOW - 30_001), NOW));
        assertEquals(Verdict.STALE, guard.check("ops", opened(1, 1, NOW + 30_001), NOW));
        assertEquals(Verdict.FRESH, guard.check("ops", opened(1, 1, NOW + 30_000), NOW));
    }

    @Test
    void whenFullNewSendersAreRefusedUntilOldOnesAreStaleSoNoReplayEverGetsThrough() {
        ReplayGuard guard = new ReplayGuard(30_000, 3);
        for (int s = 0; s < 3; s++) {
            assertEquals(Verdict.FRESH, guard.check("ops", opened(s, 1, NOW), NOW));
        }
        assertEquals(Verdict.FULL, guard.check("ops", opened(3, 1, NOW), NOW + 1_000), "no room: not evicted");
        assertEquals(Verdict.REPLAY, guard.check("ops", opened(0, 1, NOW), NOW + 29_000), "the first is still known");
        assertEquals(Verdict.FRESH, guard.check("ops", opened(3, 1, NOW + 31_000), NOW + 31_000),
                "the old senders' datagrams are stale now: forgotten");
        assertEquals(1, guard.senders());
        assertEquals(Verdict.STALE, guard.check("ops", opened(0, 1, NOW), NOW + 31_000), "and their replays stale");
    }
}
