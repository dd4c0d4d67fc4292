package org.modstamp.server.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class RecentChangesTest {
    @Test
    void newestFirstAndNoMoreThanItsCapacityUnderAnyTraffic() {
        RecentChanges recent = new RecentChanges(200);
        for (int i = 0; i < 1_000_000; i++) { // ten seconds at 100,000 changes a second
            recent.record("id" + (i % 1000), new byte[] {1}, i, "127.0.0.1:" + i);
        }
        List<RecentChanges.Change> kept = recent.newestFirst();
        assertEquals(200, kept.size(), "the ring never holds more than its capacity");
        assertEquals(999_999, kept.get(0).epochMillis());
        assertEquals(999_800, kept.get(199).epochMillis());
    }
}
