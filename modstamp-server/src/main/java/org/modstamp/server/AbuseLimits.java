package org.modstamp.server;

/**
 * What one source may cost the server: over plain UDP a source address can be forged,
 * so a forged Query could enrol a victim as a listener and turn the server into a reflector. The defaults
 * keep libmodstamp clients working (one Reply always fits; thousands of ids per client are fine).
 *
 * @param listenersPerAddress     most (listener, id) registrations one IP address may hold
 * @param signalsPerSecondPerAddress most Signals sent to one IP address per second (a token bucket)
 * @param replyAmplification      a reply datagram to an unauthenticated sender is at most this many times
 *                                the size of its request ...
 * @param replyAllowance          ... or this many bytes, whichever is larger (so one Reply always fits)
 */
public record AbuseLimits(int listenersPerAddress, int signalsPerSecondPerAddress, double replyAmplification,
                          int replyAllowance) {
    /** The largest reply to one Query: a Reply with a 255-byte id and a 255-byte value, and the header. */
    public static final int ONE_REPLY = 1 + 2 + 1 + 255 + 1 + 255;

    public AbuseLimits {
        if (listenersPerAddress < 1) {
            throw new IllegalArgumentException("listenersPerAddress must be at least 1, not " + listenersPerAddress);
        }
        if (signalsPerSecondPerAddress < 1) {
            throw new IllegalArgumentException("signalsPerSecondPerAddress must be at least 1, not "
                    + signalsPerSecondPerAddress);
        }
        if (replyAmplification < 1) {
            throw new IllegalArgumentException("replyAmplification must be at least 1, not " + replyAmplification);
        }
        if (replyAllowance < ONE_REPLY) {
            throw new IllegalArgumentException("replyAllowance must be at least " + ONE_REPLY
                    + " bytes (one Reply), not " + replyAllowance);
        }
    }

    public static AbuseLimits defaults() {
        return new AbuseLimits(100_000, 10_000, 3.0, 600);
    }

    /** The largest reply datagram to an unauthenticated request of {@code requestBytes}. */
    public int replyBudget(int requestBytes) {
        return (int) Math.max(replyAllowance, Math.min(Integer.MAX_VALUE, replyAmplification * requestBytes));
    }
}
