package org.modstamp.server.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The delayed answers of the mapping-probe extension that are not due yet, in the order they fall due. What a
 * forged PROBE can aim at a victim is bounded: a delay of at most the listener TTL, at most
 * {@value #PER_ADDRESS} pending per source address and {@value #MAX_PENDING} in all (a PROBE beyond is answered
 * at once only, and counted). Not thread-safe: the engine thread owns it.
 */
final class DelayedProbes {
    static final int PER_ADDRESS = 16;
    static final int MAX_PENDING = 100_000;

    /** A delayed answer: its bytes are made when it is due (a sealed one must be fresh then). */
    record Pending(long dueNanos, InetSocketAddress recipient, Runnable send) {
    }

    private final PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();

    /** Whether one more answer to {@code recipient} may be held now. */
    boolean hasRoomFor(InetSocketAddress recipient) {
        return perAddress.getOrDefault(recipient.getAddress(), 0) < PER_ADDRESS && queue.size() < MAX_PENDING;
    }

    /** Holds {@code pending} until it is due; false (nothing held) when its address or the whole has no room. */
    boolean hold(Pending pending) {
        InetAddress address = pending.recipient().getAddress();
        int held = perAddress.getOrDefault(address, 0);
        if (!hasRoomFor(pending.recipient())) {
            return false;
        }
        perAddress.put(address, held + 1);
        queue.add(pending);
        return true;
    }

    /** Runs the answers due at {@code nowNanos}, in order. */
    void sendDue(long nowNanos) {
        for (Pending next; (next = queue.peek()) != null && nowNanos - next.dueNanos >= 0; ) {
            queue.poll();
            perAddress.computeIfPresent(next.recipient().getAddress(), (a, n) -> n == 1 ? null : n - 1);
            next.send().run();
        }
    }

    int pending() {
        return queue.size();
    }
}
