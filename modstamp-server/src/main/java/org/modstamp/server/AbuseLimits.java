package org.modstamp.server;

/**
 * What one source may cost the server: over plain UDP a source address can be forged,
 * so a forged Query could enrol a victim as a listener and turn the server into a reflector. The defaults
 * keep libmodstamp clients working (one Reply always fits; thousands of ids per client are fine).
 *
 * @param listenersPerAddress     most (listener, id) registrations the addresses of one prefix may hold together
 *                                (an IPv4 /{@code ipv4PrefixBits}, an IPv6 /{@code ipv6PrefixBits}: forged sources
 *                                rotating through one network count as one)
 * @param signalsPerSecondPerAddress most Signal datagrams (each {@code broadcastRepeat} copy counts) sent to
 *                                one network (prefix, as above) per second (a token bucket)
 * @param replyAmplification      a reply datagram to an unauthenticated sender is at most this many times
 *                                the size of its request ...
 * @param replyAllowance          ... or this many bytes, whichever is larger (so one Reply always fits)
 * @param ipv4PrefixBits          the IPv4 prefix that registrations are counted by (24: a /24)
 * @param ipv6PrefixBits          the IPv6 prefix that registrations are counted by (64: a /64), at most 64
 * @param plainListeners          most registrations in all made by plain (unauthenticated) Queries
 * @param listeners               most registrations in all; the room above {@code plainListeners} is kept for
 *                                Queries an aead profile authenticated, so plain sources are refused first
 * @param replyBytesPerSecondPerPrefix reply bytes a destination prefix earns a second, beyond 3 x (the
 *                                {@code replyAmplification}) the bytes that came from it (unauthenticated only)
 * @param replyBurstPerPrefix     reply credit a prefix starts with and may hold unspent
 */
public record AbuseLimits(int listenersPerAddress, int signalsPerSecondPerAddress, double replyAmplification,
                          int replyAllowance, int ipv4PrefixBits, int ipv6PrefixBits, int plainListeners,
                          int listeners, int replyBytesPerSecondPerPrefix, int replyBurstPerPrefix) {
    /** The largest reply to one Query: a Reply with a 255-byte id and a 255-byte value, and the header. */
    public static final int ONE_REPLY = 1 + 2 + 1 + 255 + 1 + 255;

    public AbuseLimits {
        if (listenersPerAddress < 1) {
            throw new InvalidLimitException("listenersPerAddress", "must be at least 1, not " + listenersPerAddress);
        }
        if (signalsPerSecondPerAddress < 1) {
            throw new InvalidLimitException("signalsPerSecondPerAddress", "must be at least 1, not "
                    + signalsPerSecondPerAddress);
        }
        if (replyAmplification < 1) {
            throw new InvalidLimitException("replyAmplification", "must be at least 1, not " + replyAmplification);
        }
        if (ipv4PrefixBits < 1 || ipv4PrefixBits > 32) {
            throw new InvalidLimitException("ipv4PrefixBits", "must be 1..32, not " + ipv4PrefixBits);
        }
        if (ipv6PrefixBits < 1 || ipv6PrefixBits > 64) {
            throw new InvalidLimitException("ipv6PrefixBits", "must be 1..64, not " + ipv6PrefixBits);
        }
        if (plainListeners < 1 || listeners < plainListeners) {
            throw new InvalidLimitException("plainListeners", "must be at least 1 and at most listeners, not "
                    + plainListeners + " of " + listeners);
        }
        if (replyBytesPerSecondPerPrefix < 0) {
            throw new InvalidLimitException("replyBytesPerSecondPerPrefix", "must be at least 0, not "
                    + replyBytesPerSecondPerPrefix);
        }
        if (replyBurstPerPrefix < ONE_REPLY) {
            throw new InvalidLimitException("replyBurstPerPrefix", "must be at least " + ONE_REPLY
                    + " bytes (one Reply), not " + replyBurstPerPrefix);
        }
        if (replyAllowance < ONE_REPLY) {
            throw new InvalidLimitException("replyAllowance", "must be at least " + ONE_REPLY
                    + " bytes (one Reply), not " + replyAllowance);
        }
    }

    /** The first four limits, with the default prefixes (/24, /64) and registration budgets. */
    public AbuseLimits(int listenersPerAddress, int signalsPerSecondPerAddress, double replyAmplification,
                       int replyAllowance) {
        this(listenersPerAddress, signalsPerSecondPerAddress, replyAmplification, replyAllowance, 24, 64,
                DEFAULT_PLAIN_LISTENERS, DEFAULT_LISTENERS, 65_536, 262_144);
    }

    /**
     * Default budgets: a registration costs about 50 bytes, plus about 200 for each IPv6 address it is the
     * only one to use, so the plain budget holds at most about 65 MB even when every registration comes
     * from a forged address of its own; 250,000 is a 10,000-listener fan-out of 25 ids each.
     */
    public static final int DEFAULT_PLAIN_LISTENERS = 250_000;
    public static final int DEFAULT_LISTENERS = 1_000_000;

    public static AbuseLimits defaults() {
        return new AbuseLimits(100_000, 10_000, 3.0, 600);
    }

    /** These limits with registrations counted per IPv4 /{@code ipv4} and IPv6 /{@code ipv6}. */
    public AbuseLimits withPrefixes(int ipv4, int ipv6) {
        return new AbuseLimits(listenersPerAddress, signalsPerSecondPerAddress, replyAmplification, replyAllowance,
                ipv4, ipv6, plainListeners, listeners, replyBytesPerSecondPerPrefix, replyBurstPerPrefix);
    }

    /** These limits with other registration budgets (plain, and in all). */
    public AbuseLimits withBudgets(int plain, int all) {
        return new AbuseLimits(listenersPerAddress, signalsPerSecondPerAddress, replyAmplification, replyAllowance,
                ipv4PrefixBits, ipv6PrefixBits, plain, all, replyBytesPerSecondPerPrefix, replyBurstPerPrefix);
    }

    /** These limits with another reply rate and burst per destination prefix. */
    public AbuseLimits withReplyRate(int bytesPerSecondPerPrefix, int burstPerPrefix) {
        return new AbuseLimits(listenersPerAddress, signalsPerSecondPerAddress, replyAmplification, replyAllowance,
                ipv4PrefixBits, ipv6PrefixBits, plainListeners, listeners, bytesPerSecondPerPrefix, burstPerPrefix);
    }

    /** The largest reply datagram to an unauthenticated request of {@code requestBytes}. */
    public int replyBudget(int requestBytes) {
        return (int) Math.max(replyAllowance, Math.min(Integer.MAX_VALUE, replyAmplification * requestBytes));
    }
}
