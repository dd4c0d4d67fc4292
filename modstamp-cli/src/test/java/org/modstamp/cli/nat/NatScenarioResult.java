package org.modstamp.cli.nat;

import java.time.Duration;
import java.util.List;

/**
 * What one {@link NatScenario} measured: the delay from each push to the listener's line (null: never heard
 * within the scenario's limit), and the datagrams the client sent through the NAT in the second half of the
 * sparse phase (when learning is over): all, and those of query rounds; and how long that half lasted.
 */
record NatScenarioResult(NatScenario scenario, List<Duration> delays, long clientDatagrams, long queryDatagrams,
                         Duration measured) {
    private static final Duration PROMPT = Duration.ofSeconds(1);

    long heardWithinOneSecond() {
        return delays.stream().filter(d -> d != null && d.compareTo(PROMPT) <= 0).count();
    }

    long lost() {
        return delays.stream().filter(d -> d == null).count();
    }

    double promptShare() {
        return delays.isEmpty() ? 0 : (double) heardWithinOneSecond() / delays.size();
    }

    /** Datagrams the client sent per hour (keep-alive Queries, and probes if any), over the second half. */
    double datagramsPerHour() {
        return clientDatagrams * 3_600_000.0 / Math.max(1, measured.toMillis());
    }

    /** Query-round datagrams the client sent per hour (the keep-alive, resends included), over the second half. */
    double queriesPerHour() {
        return queryDatagrams * 3_600_000.0 / Math.max(1, measured.toMillis());
    }

    /** The fewest keep-alives per hour that keep this NAT's mapping open: one per lifetime. */
    double fewestPerHour() {
        return 3600.0 / scenario.lifetimeSeconds();
    }

    String lateDelays() {
        return delays.stream().filter(d -> d != null && d.compareTo(PROMPT) > 0)
                .map(d -> String.format("%.1f s", d.toMillis() / 1000.0)).toList().toString();
    }

    @Override
    public String toString() {
        return String.format("%-44s %2d/%2d within 1 s (%3.0f%%), %d lost, late: %s; query rounds/h %.0f, all client "
                        + "datagrams/h %.0f (one per lifetime: %.0f; %.2fx, %.2fx)", scenario.name(),
                heardWithinOneSecond(), delays.size(), 100 * promptShare(), lost(), lateDelays(), queriesPerHour(),
                datagramsPerHour(), fewestPerHour(), queriesPerHour() / fewestPerHour(),
                datagramsPerHour() / fewestPerHour());
    }
}
