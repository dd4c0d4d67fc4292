package org.modstamp.server.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.modstamp.security.Permission;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.StoreException;
import org.modstamp.server.store.ValueStore;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageEncoder;

/**
 * The server's protocol logic, without a socket: datagrams in, datagrams out. {@link #handle} applies
 * one datagram to a {@link Batch}; {@link #complete} makes the batch's changes durable and only then
 * hands back what to send: for each C that changed a value, a Signal to every live listener (each
 * in its own datagram, {@code broadcastRepeat} times), before the reply datagrams of its request
 * (M and R packed up to {@code maxPacketSize}). Malformed input is dropped as the protocol says and
 * never throws. Not thread-safe: one engine thread calls it.
 */
public final class DatagramHandler {
    private static final System.Logger LOG = System.getLogger(DatagramHandler.class.getName());

    private final ServerConfig config;
    private final ValueStore store;
    private final ListenerRegistry registry;
    private final InstantSource clock;
    private final long epochSecondAtStart;

    public DatagramHandler(ServerConfig config, ValueStore store, ListenerRegistry registry, InstantSource clock) {
        this.config = config;
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.epochSecondAtStart = clock.instant().getEpochSecond();
    }

    /** Handles one datagram from {@code sender}; its effects and replies go into {@code batch}. */
    public void handle(InetSocketAddress sender, ByteBuffer datagram, Batch batch) {
        if (sender.getPort() == 0) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a datagram from port 0 of " + sender.getAddress()
                    + ": no answer can reach it");
            return;
        }
        if (datagram.remaining() > ServerConfig.MAX_REQUEST_SIZE) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped " + datagram.remaining() + "-byte datagram from "
                    + sender + ": longer than " + ServerConfig.MAX_REQUEST_SIZE);
            return;
        }
        Optional<DatagramHeader> header = DatagramHeader.read(datagram);
        if (header.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + sender + ": no valid header");
            return;
        }
        Permission permission = config.profiles().permissionFor(header.get(), sender.getAddress());
        if (!permission.canRead()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + sender + ": no profile grants access");
            return;
        }
        Optional<List<Message>> messages = MessageDecoder.decode(datagram);
        if (messages.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped datagram from " + sender + ": framing error");
            return;
        }
        DatagramPacker replies = null;
        int now = nowSeconds();
        for (Message message : messages.get()) {
            Message reply = switch (message.type()) {
                case QUERY -> query(message.id(), sender, now, batch);
                case CHANGE -> permission.canWrite() ? change(message, now, batch) : null;
                default -> null; // R, M and S are not for a server
            };
            if (reply != null) {
                if (replies == null) {
                    replies = new DatagramPacker(DatagramHeader.PLAIN, config.maxPacketSize());
                }
                replies.add(reply);
            }
        }
        if (replies != null) {
            for (byte[] bytes : replies.drain()) {
                batch.outgoing.add(new OutgoingDatagram(sender, bytes));
            }
        }
    }

    private Message query(String id, InetSocketAddress sender, int now, Batch batch) {
        registry.register(id, sender, now);
        return Message.reply(id, currentValue(id, batch));
    }

    private Message change(Message change, int now, Batch batch) {
        String id = change.id();
        byte[] value = change.value();
        if (!Arrays.equals(currentValue(id, batch), value)) {
            batch.changes.put(id, value);
            byte[] signal = MessageEncoder.plainDatagram(Message.signal(id, value));
            int repeat = config.broadcastRepeat();
            registry.forEachListener(id, now, listener -> {
                for (int i = 0; i < repeat; i++) {
                    batch.outgoing.add(new OutgoingDatagram(listener, signal));
                }
            });
        }
        return Message.modified(id, value);
    }

    private byte[] currentValue(String id, Batch batch) {
        byte[] pending = batch.changes.get(id);
        return pending != null ? pending : store.get(id);
    }

    /**
     * Makes the batch's changes durable, then returns the datagrams to send, in order, and empties the
     * batch. If the store fails, nothing is sent (no M for a change that is not durable, no Signal,
     * no Reply that could show it) and the error is logged: clients resend.
     */
    public List<OutgoingDatagram> complete(Batch batch) {
        try {
            if (!batch.changes.isEmpty()) {
                store.putAll(batch.changes);
            }
            return List.copyOf(batch.outgoing);
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.ERROR, "dropped the replies to " + batch.outgoing.size()
                    + " datagram(s): their " + batch.changes.size() + " change(s) could not be stored", e);
            return List.of();
        } finally {
            batch.clear();
        }
    }

    /** Handles a single datagram as a batch of its own: what a server sends in answer to it. */
    public List<OutgoingDatagram> handleOne(InetSocketAddress sender, ByteBuffer datagram) {
        Batch batch = new Batch();
        handle(sender, datagram, batch);
        return complete(batch);
    }

    /** Drops expired listener registrations. */
    public long sweepListeners() {
        return registry.sweep(nowSeconds());
    }

    /** Whole seconds since this handler was made (registrations compare whole seconds, as the reference). */
    private int nowSeconds() {
        return (int) (clock.instant().getEpochSecond() - epochSecondAtStart);
    }
}
