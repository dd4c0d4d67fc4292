package org.modstamp.cli.nat;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.modstamp.testing.NatNetwork.NatMapping;

/**
 * {@code modstamp listen} with its default settings behind the kernel's NAT (issue 25): sparse changes, each
 * after a gap longer than the mapping lifetime, must be heard at once, not at the next keep-alive Query. The
 * scenarios run at the same time, each in namespaces of its own; the figures are printed.
 */
class NatListenTest {
    private static final Duration LEARNING = Duration.ofSeconds(60);
    private static final Duration LOST_AFTER = Duration.ofSeconds(40);

    @Test
    void sparseChangesAreHeardAtOnceBehindAnAggressiveNat() throws Exception {
        List<NatScenarioResult> results = runAll(List.of(
                new NatScenario("15 s mapping, default settings", NatMapping.MASQUERADE, 15, false, 0,
                        List.of(), LEARNING, 10, LOST_AFTER)));
        List<Executable> checks = new ArrayList<>();
        for (NatScenarioResult r : results) {
            checks.add(() -> assertEquals(0, r.lost(), r + ": changes lost"));
            checks.add(() -> assertTrue(r.promptShare() >= 0.95, r + ": fewer than 95% heard within 1 s"));
        }
        assertAll(checks);
    }

    private static List<NatScenarioResult> runAll(List<NatScenario> scenarios) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(scenarios.size());
        try {
            List<Future<NatScenarioResult>> running = new ArrayList<>();
            scenarios.forEach(s -> running.add(pool.submit(() -> new NatScenarioRun(s).run())));
            for (Future<NatScenarioResult> f : running) { // every scenario ends (and removes its namespaces) first
                try {
                    f.get();
                } catch (ExecutionException failed) {
                    System.out.println("NAT: a scenario failed: " + failed.getCause());
                }
            }
            List<NatScenarioResult> results = new ArrayList<>();
            for (Future<NatScenarioResult> f : running) {
                results.add(f.get());
            }
            results.forEach(r -> System.out.println("NAT: " + r));
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
