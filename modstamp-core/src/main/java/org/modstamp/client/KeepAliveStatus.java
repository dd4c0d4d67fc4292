package org.modstamp.client;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What a client's keep-alive knows, for logs and metrics.
 *
 * @param adaptive       whether the interval is learned (else the fixed query interval holds)
 * @param serverProbes   whether the server answers the mapping-probe extension (a libmodstamp server does not)
 * @param seenAs         the address and port the server last saw this client's socket at (null: not known)
 * @param provenLifetime the longest idle age at which the mapping was proven to carry traffic (zero: none yet)
 * @param interval       the keep-alive interval the listens use now (without jitter)
 * @param settled        whether the lifetime is learned as closely as the client learns it
 * @param mappingChanges how many times the server saw the socket at another address or port than before
 * @param relearned      how many times the client forgot what it learned (a mapping change, a failed re-check)
 * @param probes         lifetime probes started (each on a socket of its own)
 */
public record KeepAliveStatus(boolean adaptive, boolean serverProbes, InetSocketAddress seenAs, Duration provenLifetime,
                              Duration interval, boolean settled, long mappingChanges, long relearned, long probes) {
}
