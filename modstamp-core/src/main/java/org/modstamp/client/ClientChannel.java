package org.modstamp.client;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.modstamp.net.Addresses;
import org.modstamp.protocol.Protocol;
import org.modstamp.protocol.SealedDatagrams;
import org.modstamp.security.Aead;
import org.modstamp.security.AeadSender;
import org.modstamp.security.ProfileType;
import org.modstamp.security.ReplayGuard;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageType;

/**
 * A client's socket to its one server: sends messages (packed, and sealed for an encrypted profile) and
 * receives what the server answers, keeping only what comes from the server's address and port and, for an
 * encrypted profile, is authentic, fresh (a replay window per server sender) and bound to a recent request
 * of this client. The client loop owns it; {@link #pack}, {@link #transmit}, {@link #wakeup} and the counters
 * may be called from any thread.
 */
final class ClientChannel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClientChannel.class.getName());
    /** The inReplyTo of a plain datagram: nothing binds it to a request. */
    static final long UNBOUND = -1;
    /** Server sender ids whose replay windows are held (a server has a new one at each start). */
    private static final int SERVER_SENDERS = 64;

    /** The messages of a datagram from the server and the request it answers ({@link #UNBOUND} for plain). */
    record Received(List<Message> messages, long inReplyTo) {
    }

    private final InetSocketAddress server;
    private final ClientConfig config;
    private final DatagramChannel channel;
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(65_536);
    /** For an encrypted profile (else null): sealing, opening, freshness and the requests sent. */
    private final SealedDatagrams sealing;
    private final ReplayGuard replays = new ReplayGuard(Protocol.REPLAY_WINDOW_MILLIS, SERVER_SENDERS);
    private final RequestCounters requests =
            new RequestCounters(TimeUnit.MILLISECONDS.toNanos(Protocol.REPLAY_WINDOW_MILLIS));
    private final AtomicLong dropped = new AtomicLong();

    private ClientChannel(InetSocketAddress server, ClientConfig config, DatagramChannel channel, Selector selector) {
        this.server = server;
        this.config = config;
        this.channel = channel;
        this.selector = selector;
        this.sealing = config.sealed() ? SealedDatagrams.forClient(config.profile()) : null;
    }

    /** A non-blocking socket for {@code server}, bound as {@code config} says. */
    static ClientChannel open(InetSocketAddress server, ClientConfig config) throws IOException {
        DatagramChannel channel = DatagramChannel.open(server.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            bind(channel, config);
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            return new ClientChannel(server, config, channel, selector);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** Binds the first free port of the configured range (any port when the range is 0..0). */
    private static void bind(DatagramChannel channel, ClientConfig config) throws IOException {
        InetAddress address = config.bindAddress();
        if (config.bindPortMin() == 0) {
            channel.bind(address == null ? null : new InetSocketAddress(address, 0));
            return;
        }
        IOException last = null;
        for (int port = config.bindPortMin(); port <= config.bindPortMax(); port++) {
            try {
                channel.bind(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port));
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no free UDP port in " + config.bindPortMin() + ".." + config.bindPortMax()
                + (address == null ? "" : " on " + address.getHostAddress()), last);
    }

    InetSocketAddress server() {
        return server;
    }

    ClientConfig config() {
        return config;
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Sealed datagrams from the server dropped: replayed, stale, or not an answer to a recent request. */
    long droppedDatagrams() {
        return dropped.get();
    }

    /** Datagrams ready to send and the counters of the sealed ones among them (none for plain). */
    record Packed(List<byte[]> datagrams, List<Long> counters) {
    }

    /**
     * Sends {@code messages}, each datagram {@code sendRepeat} times; returns the counters of the sealed
     * datagrams they went in (none for plain). A failed send is logged: the caller's resend covers it.
     */
    List<Long> send(Collection<Message> messages) {
        return send(messages, null);
    }

    /** As {@link #send(Collection)}, every datagram starting with {@code leader} (none when null). */
    List<Long> send(Collection<Message> messages, Message leader) {
        Packed packed = pack(messages, leader);
        transmit(packed);
        return packed.counters();
    }

    /**
     * Packs {@code messages} into datagrams, each starting with {@code leader} (none when null), and seals them
     * for an encrypted profile (their counters count as requests sent from now on). Any thread.
     */
    Packed pack(Collection<Message> messages, Message leader) {
        if (messages.isEmpty()) {
            return new Packed(List.of(), List.of());
        }
        DatagramPacker packer = SealedDatagrams.packer(config.profile(), config.maxPacketSize()).leading(leader);
        messages.forEach(packer::add);
        List<byte[]> datagrams = packer.drain();
        if (sealing == null) {
            return new Packed(datagrams, List.of());
        }
        List<byte[]> sealed = new ArrayList<>(datagrams.size());
        List<Long> counters = new ArrayList<>(datagrams.size());
        synchronized (requests) { // counters are recorded in the order they are drawn
            for (byte[] packed : datagrams) {
                AeadSender.Sealed s = sealing.sealRequest(packed, System.currentTimeMillis());
                requests.sent(s.counter(), System.nanoTime());
                counters.add(s.counter());
                sealed.add(s.datagram());
            }
        }
        return new Packed(sealed, counters);
    }

    /** Sends datagrams {@link #pack}ed, each {@code sendRepeat} times. Any thread. */
    void transmit(Packed packed) {
        for (byte[] datagram : packed.datagrams()) {
            for (int i = 0; i < config.sendRepeat(); i++) {
                try {
                    channel.send(ByteBuffer.wrap(datagram), server);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "sending to " + server + " failed (will resend)", e);
                }
            }
        }
    }

    /** Waits at most {@code millis} (0: no limit) for a datagram or a {@link #wakeup}. */
    void await(long millis) throws IOException {
        selector.select(millis);
        selector.selectedKeys().clear();
    }

    /** Ends an {@link #await} now (or the next one, if none runs). */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * The next datagram waiting that is from the server and passes its checks, or empty when none is waiting.
     * What fails a check is logged and skipped.
     */
    Optional<Received> receive() throws IOException {
        while (true) {
            buffer.clear();
            SocketAddress from = channel.receive(buffer);
            if (from == null) {
                return Optional.empty();
            }
            buffer.flip();
            if (!isServer(from)) {
                LOG.log(System.Logger.Level.DEBUG, () -> "ignored a datagram from " + from + ", not from " + server);
                continue;
            }
            Optional<Received> received = DatagramHeader.read(buffer).flatMap(this::open)
                    .flatMap(opened -> MessageDecoder.decode(opened.messages)
                            .map(messages -> new Received(forClient(messages, opened.inReplyTo), opened.inReplyTo)));
            if (received.isPresent()) {
                return received;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "ignored a malformed, unauthenticated, replayed or "
                    + "unasked-for datagram from " + from);
        }
    }

    /** The messages of a datagram, before they are decoded. */
    private record Opened(ByteBuffer messages, long inReplyTo) {
    }

    /**
     * The messages part of a datagram from the server: plain only for a plain client; sealed, authentic and
     * recent for an encrypted one (anything else is empty).
     */
    private Optional<Opened> open(DatagramHeader header) {
        if (sealing == null) {
            return ProfileType.PLAIN.acceptsSignature(header.signature())
                    ? Optional.of(new Opened(buffer, UNBOUND)) : Optional.empty();
        }
        if (!sealing.profile().matches(header, server.getAddress())) {
            return Optional.empty();
        }
        Optional<Aead.Opened> opened = sealing.open(header, buffer);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        Aead.Opened o = opened.get();
        ReplayGuard.Verdict verdict = replays.check(sealing.profile().id(), o, System.currentTimeMillis());
        if (verdict != ReplayGuard.Verdict.FRESH || (o.inReplyTo() != 0 && !isRecentRequest(o.inReplyTo()))) {
            dropped.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a sealed datagram from " + server + ": "
                    + (verdict == ReplayGuard.Verdict.FRESH ? "it answers no request of the last "
                    + Protocol.REPLAY_WINDOW_MILLIS + " ms" : verdict));
            return Optional.empty();
        }
        return Optional.of(new Opened(o.payload(), o.inReplyTo()));
    }

    private boolean isRecentRequest(long counter) {
        synchronized (requests) {
            return requests.isRecent(counter, System.nanoTime());
        }
    }

    /**
     * The messages of a datagram answering {@code inReplyTo} that are for a client: an M or R must answer a
     * request (a sealed one with inReplyTo 0 is dropped and counted; a Signal and a delayed OBSERVED answer none),
     * a Query, Change or PROBE is for a server.
     */
    private List<Message> forClient(List<Message> messages, long inReplyTo) {
        List<Message> kept = new ArrayList<>(messages.size());
        for (Message m : messages) {
            if (inReplyTo == 0 && m.type() != MessageType.SIGNAL && m.type() != MessageType.OBSERVED) {
                dropped.incrementAndGet();
                LOG.log(System.Logger.Level.DEBUG, () -> "ignored " + m + " from the server: it answers no request");
            } else if (m.type() == MessageType.QUERY || m.type() == MessageType.CHANGE || m.type() == MessageType.PROBE
                    || m.type() == MessageType.WATCH || m.type() == MessageType.KEEP) {
                LOG.log(System.Logger.Level.DEBUG, () -> "ignored " + m + " from the server");
            } else {
                kept.add(m);
            }
        }
        return kept;
    }

    private boolean isServer(SocketAddress from) {
        return from instanceof InetSocketAddress sender && sender.getPort() == server.getPort()
                && Addresses.sameHost(sender.getAddress(), server.getAddress());
    }

    /** Closes the selector and the socket; an {@link #await} running returns. */
    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the client socket failed", e);
        }
    }
}
