package org.modstamp.server.war;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;

import org.modstamp.server.ServerStats;
import org.modstamp.server.history.RateHistory;

/**
 * The server's traffic over the last 15 minutes, one sample a second, for the status page's charts: read
 * from the counters the engine keeps anyway, on the container's scheduler, so it costs the UDP path nothing.
 */
@ApplicationScoped
public class TrafficHistory {
    private static final Logger LOG = Logger.getLogger(TrafficHistory.class.getName());
    static final List<String> SERIES = List.of("datagramsIn", "queries", "changes", "signals", "dropped", "limited");

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final RateHistory history = new RateHistory(SERIES, 900);
    private ScheduledFuture<?> sampling;

    /** Starts sampling {@code stats} every second. */
    void follow(ServerStats stats) {
        sample(stats);
        sampling = scheduler.scheduleAtFixedRate(() -> sample(stats), 1, 1, TimeUnit.SECONDS);
    }

    private void sample(ServerStats stats) {
        try {
            ServerStats.Snapshot now = stats.snapshot();
            history.sample(System.currentTimeMillis(), now.datagramsIn(), now.queries(), now.changes(), now.signals(),
                    now.dropped(), now.limited());
        } catch (RuntimeException e) { // a task that throws is not run again by the scheduler
            LOG.log(Level.WARNING, "modstamp: sampling the traffic failed", e);
        }
    }

    /** The samples, oldest first, per second: {"times": [...], "queries": [...], ...}. */
    public Map<String, Object> snapshot() {
        return history.snapshot();
    }

    @PreDestroy
    void stop() {
        if (sampling != null) {
            sampling.cancel(false);
        }
    }
}
