package org.modstamp.server.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RateHistoryTest {
    @Test
    void ratesPerSecondOldestFirst() {
        RateHistory history = new RateHistory(List.of("queries", "changes"), 10);
        history.sample(1_000, 0, 0);
        history.sample(2_000, 500, 10);
        history.sample(4_000, 1_500, 10); // two seconds later: 500 a second
        Map<String, Object> json = history.snapshot();
        assertEquals(List.of(2_000L, 4_000L), json.get("times"));
        assertEquals(List.of(500L, 500L), json.get("queries"));
        assertEquals(List.of(10L, 0L), json.get("changes"));
    }

    @Test
    void aCounterThatStartsAgainCountsFromZero() {
        RateHistory history = new RateHistory(List.of("queries"), 10);
        history.sample(1_000, 900);
        history.sample(2_000, 30); // the server restarted
        assertEquals(List.of(30L), history.snapshot().get("queries"));
    }

    /**
     * 15 minutes of samples at 100,000 changes a second and more: the ring keeps the last 900 and its memory
     * does not grow (a fixed number of longs, allocated once).
     */
    @Test
    void memoryStaysBoundedUnderAnyTraffic() {
        RateHistory history = new RateHistory(List.of("queries", "changes", "signals", "dropped", "limited"), 900);
        long total = 0;
        for (int second = 0; second < 5_000; second++) {
            total += 100_000;
            history.sample(second * 1_000L, total, total, total * 10, 0, 0);
        }
        @SuppressWarnings("unchecked")
        List<Long> changes = (List<Long>) history.snapshot().get("changes");
        assertEquals(900, changes.size(), "the last 15 minutes only");
        assertTrue(changes.stream().allMatch(rate -> rate == 100_000L));
        assertEquals(900L * 6 * Long.BYTES, history.sampleBytes(), "43 KB, whatever the traffic");
    }
}
