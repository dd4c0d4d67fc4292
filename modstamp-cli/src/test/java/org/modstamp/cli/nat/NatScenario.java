package org.modstamp.cli.nat;

import java.time.Duration;
import java.util.List;

import org.modstamp.testing.NatNetwork.NatMapping;

/**
 * One listener behind one NAT: how the NAT maps and how long it keeps a mapping, what it does to the traffic,
 * and what listens ({@code modstamp listen} with {@code listenOptions}, or an MDB of the resource adapter in
 * Payara Micro, with the adapter's defaults); then {@code changes} sparse changes, each after a gap longer than
 * the mapping lifetime, once {@code learning} has passed.
 *
 * @param restartOnce the NAT forgets every mapping once, in the middle of the run
 * @param lossPercent the NAT drops this share of the datagrams it forwards, each way
 * @param lostAfter   a change not heard within this long counts as lost
 */
record NatScenario(String name, Listener listener, NatMapping mapping, int lifetimeSeconds, boolean restartOnce, int lossPercent,
                   List<String> listenOptions, Duration learning, int changes, Duration lostAfter) {

    /** What listens behind the NAT. */
    enum Listener { MODSTAMP_LISTEN, RESOURCE_ADAPTER }

    /** The sparse phase's gaps: longer than the lifetime, and not in step with any keep-alive. */
    Duration gap(java.util.Random random) {
        return Duration.ofMillis(lifetimeSeconds * 1000L + 1000 + random.nextInt(lifetimeSeconds * 1000 / 3 + 1));
    }
}
