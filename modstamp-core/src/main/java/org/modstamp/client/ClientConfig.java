package org.modstamp.client;

import java.net.InetAddress;
import java.time.Duration;

import org.modstamp.protocol.Protocol;
import org.modstamp.security.SecurityProfile;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;

/**
 * How a client talks to its server. Defaults: datagrams of at most 1300 bytes sent once, resends every
 * 100 ms within a 5 s request timeout, an adaptive keep-alive (a server with the mapping-probe extension helps the
 * client learn how long its NAT keeps the mapping; before that, and against a server without it, a Query every
 * 25 s plus 0..2 s of jitter), and a listener told after 300 s without an answer.
 *
 * @param maxPacketSize     largest datagram sent, header included
 * @param sendRepeat        how many times each datagram is sent (for lossy links)
 * @param resendTimeout     resend what is unanswered this often
 * @param requestTimeout    give up on a push or get after this long
 * @param queryInterval     a listener queries all its ids this often (keep-alive)
 * @param queryJitter       plus a random 0..queryJitter, so that many listeners don't query in step
 * @param noResponseTimeout a listener reports silence after this long without any datagram from the server
 * @param bindAddress       local address of the client's socket, null for the wildcard address
 * @param bindPortMin       local ports to try, from bindPortMin to bindPortMax; 0..0 lets the system choose
 * @param bindPortMax       see bindPortMin
 * @param profile           the security profile to talk with: null for plain, or an encrypted one (with its keys)
 * @param adaptiveKeepAlive learn how long the NAT keeps the socket's mapping and query at a safe share of it, when
 *                          the server answers the mapping-probe extension (else, and against a server without it,
 *                          every {@code queryInterval})
 */
public record ClientConfig(int maxPacketSize, int sendRepeat, Duration resendTimeout, Duration requestTimeout,
                           Duration queryInterval, Duration queryJitter, Duration noResponseTimeout,
                           InetAddress bindAddress, int bindPortMin, int bindPortMax, SecurityProfile profile,
                           boolean adaptiveKeepAlive) {

    public ClientConfig {
        DatagramPacker.checkMaxPacketSize(DatagramHeader.PLAIN, maxPacketSize);
        if (maxPacketSize > Protocol.MAX_REQUEST_SIZE) {
            throw new IllegalArgumentException("maxPacketSize " + maxPacketSize + " is more than the "
                    + Protocol.MAX_REQUEST_SIZE + " bytes a modstamp server reads from a request");
        }
        if (sendRepeat < 1 || sendRepeat > 10) {
            throw new IllegalArgumentException("sendRepeat must be 1..10, not " + sendRepeat);
        }
        positive("resendTimeout", resendTimeout);
        positive("requestTimeout", requestTimeout);
        positive("queryInterval", queryInterval);
        positive("noResponseTimeout", noResponseTimeout);
        if (queryJitter == null || queryJitter.isNegative()) {
            throw new IllegalArgumentException("queryJitter must be zero or positive, not " + queryJitter);
        }
        if (bindPortMin < 0 || bindPortMax > 65535 || bindPortMin > bindPortMax || (bindPortMin == 0 && bindPortMax != 0)) {
            throw new IllegalArgumentException("local port range " + bindPortMin + ".." + bindPortMax
                    + " is not valid: use 0..0 for any port, or MIN..MAX within 1..65535");
        }
        if (profile != null && profile.type().isProtected()) {
            org.modstamp.security.Aead.checkMaxPacketSize(profile, maxPacketSize);
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative() || d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, not " + d);
        }
    }

    public static ClientConfig defaults() {
        return new ClientConfig(DatagramPacker.DEFAULT_MAX_PACKET_SIZE, 1, Duration.ofMillis(100),
                Duration.ofSeconds(5), Duration.ofSeconds(25), Duration.ofSeconds(2), Duration.ofSeconds(300), null, 0, 0, null,
                true);
    }

    public ClientConfig withSendRepeat(int n) {
        return new ClientConfig(maxPacketSize, n, resendTimeout, requestTimeout, queryInterval, queryJitter,
                noResponseTimeout, bindAddress, bindPortMin, bindPortMax, profile, adaptiveKeepAlive);
    }

    public ClientConfig withRequestTimeout(Duration d) {
        return new ClientConfig(maxPacketSize, sendRepeat, resendTimeout, d, queryInterval, queryJitter,
                noResponseTimeout, bindAddress, bindPortMin, bindPortMax, profile, adaptiveKeepAlive);
    }

    public ClientConfig withResendTimeout(Duration d) {
        return new ClientConfig(maxPacketSize, sendRepeat, d, requestTimeout, queryInterval, queryJitter,
                noResponseTimeout, bindAddress, bindPortMin, bindPortMax, profile, adaptiveKeepAlive);
    }

    /** The keep-alive interval and its jitter. */
    public ClientConfig withQueryInterval(Duration interval, Duration jitter) {
        return new ClientConfig(maxPacketSize, sendRepeat, resendTimeout, requestTimeout, interval, jitter,
                noResponseTimeout, bindAddress, bindPortMin, bindPortMax, profile, adaptiveKeepAlive);
    }

    public ClientConfig withNoResponseTimeout(Duration d) {
        return new ClientConfig(maxPacketSize, sendRepeat, resendTimeout, requestTimeout, queryInterval, queryJitter, d,
                bindAddress, bindPortMin, bindPortMax, profile, adaptiveKeepAlive);
    }

    /** The local address and port range of the client's socket (null and 0, 0 for any). */
    public ClientConfig withBind(InetAddress address, int portMin, int portMax) {
        return new ClientConfig(maxPacketSize, sendRepeat, resendTimeout, requestTimeout, queryInterval, queryJitter,
                noResponseTimeout, address, portMin, portMax, profile, adaptiveKeepAlive);
    }

    /** Talk through {@code securityProfile} (an encrypted profile with its keys), or plain with null. */
    public ClientConfig withProfile(SecurityProfile securityProfile) {
        return new ClientConfig(maxPacketSize, sendRepeat, resendTimeout, requestTimeout, queryInterval, queryJitter,
                noResponseTimeout, bindAddress, bindPortMin, bindPortMax, securityProfile, adaptiveKeepAlive);
    }

    /**
     * The keep-alive: adaptive (learns the NAT's mapping lifetime from a server with the mapping-probe extension) or
     * fixed (a query round every {@code queryInterval}, as against a server without it).
     */
    public ClientConfig withAdaptiveKeepAlive(boolean adaptive) {
        return new ClientConfig(maxPacketSize, sendRepeat, resendTimeout, requestTimeout, queryInterval, queryJitter,
                noResponseTimeout, bindAddress, bindPortMin, bindPortMax, profile, adaptive);
    }

    /** Whether datagrams are sealed (an encrypted profile) rather than plain. */
    public boolean sealed() {
        return profile != null && profile.type().isProtected();
    }

    public ClientConfig withMaxPacketSize(int size) {
        return new ClientConfig(size, sendRepeat, resendTimeout, requestTimeout, queryInterval, queryJitter,
                noResponseTimeout, bindAddress, bindPortMin, bindPortMax, profile, adaptiveKeepAlive);
    }
}
