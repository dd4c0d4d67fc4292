package org.modstamp.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.modstamp.server.engine.Batch;
import org.modstamp.server.engine.DatagramHandler;
import org.modstamp.server.engine.OutgoingDatagram;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.SharedValueStore;
import org.modstamp.server.store.StoreException;
import org.modstamp.server.store.ValueStore;
import org.modstamp.server.transport.TransportConfig;
import org.modstamp.server.transport.UdpTransport;

/**
 * A running modstamp server: the {@link DatagramHandler} behind a {@link UdpTransport}. Every datagram
 * read in one go is handled into one {@link Batch}, whose changes are committed together (group commit)
 * before any of its Signals or replies leave. {@link #start} binds or fails; {@link #close} stops
 * within a few seconds and closes the store. The operator methods ({@link #entries}, {@link #set}, ...)
 * run on the engine thread, so they see and change exactly what UDP clients do.
 */
public final class ModstampServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModstampServer.class.getName());
    private static final int SWEEP_PERIOD_SECONDS = 60;
    /** How often the delayed answers of the mapping-probe extension that fell due are sent. */
    private static final int PROBE_TICK_MILLIS = 50;

    /**
     * One id as an operator sees it: its value, and the registrations held for it (counted in O(1): the live ones
     * and those that expired since the last sweep, which runs every minute).
     */
    public record Entry(String id, byte[] value, int listeners) {
    }

    /**
     * A page of the listeners of an id: {@code total} registrations held (live, or expired within the last
     * minute and not yet swept), {@code listeners} the live ones of the page.
     */
    public record ListenerPage(int total, List<InetSocketAddress> listeners) {
    }

    private final ValueStore store;
    private final UdpTransport transport;
    private final DatagramHandler handler;
    private final Batch batch;
    private final ServerStats stats;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ModstampServer(ValueStore store, UdpTransport transport, DatagramHandler handler, Batch batch,
                           ServerStats stats) {
        this.store = store;
        this.transport = transport;
        this.handler = handler;
        this.batch = batch;
        this.stats = stats;
    }

    /** Binds {@code config.listen()} and serves from {@code store}, which the server then owns. */
    public static ModstampServer start(ServerConfig config, ValueStore store) throws IOException {
        return start(config, TransportConfig.defaults(), store);
    }

    /** As {@link #start(ServerConfig, ValueStore)}, serving the port as {@code transport} says. */
    public static ModstampServer start(ServerConfig config, TransportConfig transport, ValueStore store)
            throws IOException {
        return start(config, transport, store, UdpTransport.defaultThreadFactory(), new ServerStats());
    }

    /**
     * Starts a server whose port is served as {@code io} says, whose threads come from {@code threads} (an
     * application server passes its ManagedThreadFactory) and which counts into {@code stats}; its time is
     * {@code config.clock()}. If the port cannot be bound, the store is closed and the exception says why.
     */
    public static ModstampServer start(ServerConfig config, TransportConfig io, ValueStore store,
                                       ThreadFactory threads, ServerStats stats) throws IOException {
        ListenerRegistry registry = new ListenerRegistry((int) config.listenerTtl().toSeconds(),
                config.limits().ipv4PrefixBits(), config.limits().ipv6PrefixBits());
        DatagramHandler handler = new DatagramHandler(config, store, registry, stats);
        Batch batch = new Batch();
        UdpTransport transport;
        try {
            transport = UdpTransport.bind(config.listen(), io.io(), io.effectiveThreads(),
                    ServerConfig.MAX_REQUEST_SIZE, new UdpTransport.DatagramSink() {
                        @Override
                        public void receive(InetSocketAddress sender, ByteBuffer datagram) {
                            handler.handle(sender, datagram, batch);
                        }

                        @Override
                        public List<OutgoingDatagram> flush() {
                            return batch.isEmpty() ? List.of() : handler.complete(batch);
                        }
                    }, threads, (datagrams, nanos) -> stats.recorder().sent(datagrams, nanos));
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        transport.every(SWEEP_PERIOD_SECONDS, handler::sweepListeners);
        transport.everyMillis(PROBE_TICK_MILLIS, () -> handler.sendDueProbes(batch));
        if (store instanceof SharedValueStore shared) {
            shared.onChanges(heard -> {
                try {
                    transport.call(() -> {
                        handler.heard(heard, batch);
                        return null;
                    });
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.ERROR, "could not take in " + heard.values().size() + " value(s) "
                            + "heard from the shared store (they are caught up at the next reconnection)", e);
                }
            }, threads);
        }
        LOG.log(System.Logger.Level.INFO, () -> "modstamp server listening on UDP " + transport.localAddress());
        return new ModstampServer(store, transport, handler, batch, stats);
    }

    /** The bound address, with the real port when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    /** Datagrams dropped for reaching the IPv6-only socket with a forged IPv4-mapped source. */
    public long mappedSourcesDropped() {
        return transport.mappedSourcesDropped();
    }

    public int port() {
        return localAddress().getPort();
    }

    public ServerStats stats() {
        return stats;
    }

    /** The ids with a value, sorted, from {@code offset}, at most {@code limit}, with their listener counts. */
    public List<Entry> entries(int offset, int limit) throws IOException {
        int from = Math.max(0, offset);
        List<String> ids = transport.call(() -> {
            if (from >= store.size()) {
                return List.<String>of(); // past the end: nothing to copy
            }
            List<String> all = new ArrayList<>(store.size());
            store.forEach((id, value) -> all.add(id));
            return all;
        });
        if (ids.isEmpty()) {
            return List.of();
        }
        ids.sort(Comparator.naturalOrder()); // off the engine thread: UDP goes on meanwhile
        List<String> pageIds = ids.subList(Math.min(from, ids.size()),
                (int) Math.min(ids.size(), (long) from + Math.max(0, limit)));
        return transport.call(() -> {
            List<Entry> page = new ArrayList<>(pageIds.size());
            for (String id : pageIds) {
                page.add(new Entry(id, handler.value(id), handler.listenerCount(id)));
            }
            return page;
        });
    }

    /**
     * How many source and destination networks the abuse limits track now (reply credit and the Signal cap):
     * bounded whatever the number of sources a flood forges.
     */
    public int trackedNetworks() throws IOException {
        return transport.call(handler::trackedNetworks);
    }

    /** Throws when the store cannot take changes now (Redis down, say). */
    public void checkStore() throws StoreException {
        store.checkReachable();
    }

    /** Number of ids with a value. */
    public int size() throws IOException {
        return transport.call(store::size);
    }

    /** The store's position: its epoch and the revision of its last change known here (watches start from it). */
    public org.modstamp.wire.Watches.Position position() throws IOException {
        return transport.call(store::position);
    }

    /** One id: its value (empty when none) and listener count; empty when it has neither. */
    public Optional<Entry> entry(String id) throws IOException {
        return transport.call(() -> {
            byte[] value = handler.value(id);
            int listeners = handler.listenerCount(id);
            return value.length == 0 && listeners == 0 ? Optional.<Entry>empty()
                    : Optional.of(new Entry(id, value, listeners));
        });
    }

    /** The last changes made, newest first, with their sources (UDP senders, operators, other instances). */
    public List<org.modstamp.server.history.RecentChanges.Change> recentChanges() {
        return handler.recentChanges().newestFirst();
    }

    /** The addresses that listen to {@code id}. */
    public List<InetSocketAddress> listeners(String id) throws IOException {
        return transport.call(() -> handler.listeners(id));
    }

    /**
     * At most {@code limit} of the addresses that listen to {@code id}, after the first {@code offset}, and how
     * many there are: the engine thread reads about 8 x (offset + limit) slots at most, whatever the id's
     * number of listeners, and creates {@code limit} addresses at most.
     */
    public ListenerPage listeners(String id, long offset, int limit) throws IOException {
        return transport.call(() -> new ListenerPage(handler.listenerCount(id), handler.listeners(id, offset, limit)));
    }

    /**
     * Sets {@code id} to {@code value} (empty deletes) exactly as a UDP C from a rw peer would: durably,
     * then a Signal to each listener if the value changed. Fails if the store fails.
     */
    public void set(String id, byte[] value) throws IOException {
        set(id, value, "operator");
    }

    /** As {@link #set(String, byte[])}, with what made the change, for {@link #recentChanges()}. */
    public void set(String id, byte[] value, String source) throws IOException {
        // the engine completes the batch before call returns: its outcome is this change's, whatever other
        // batches (UDP, other operators) did meanwhile
        CompletableFuture<Void> durable = transport.call(() -> handler.change(id, value, batch, source));
        try {
            durable.get(1, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the store could not make the change of " + id + " durable: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the change of " + id + " was not made durable within 1 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the change of " + id + " was made durable");
        }
    }

    /** Stops serving, closes the socket and the store; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            transport.close();
            store.close();
        }
    }
}
