package org.modstamp.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.List;

import org.modstamp.server.engine.Batch;
import org.modstamp.server.engine.DatagramHandler;
import org.modstamp.server.engine.OutgoingDatagram;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.ValueStore;
import org.modstamp.server.transport.UdpTransport;

/**
 * A running modstamp server: the {@link DatagramHandler} behind a {@link UdpTransport}. Every datagram
 * read in one go is handled into one {@link Batch}, whose changes are committed together (group commit)
 * before any of its Signals or replies leave. {@link #start} binds or fails; {@link #close} stops
 * within a few seconds and closes the store.
 */
public final class ModstampServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModstampServer.class.getName());
    private static final int SWEEP_PERIOD_SECONDS = 60;

    private final ValueStore store;
    private final UdpTransport transport;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private ModstampServer(ValueStore store, UdpTransport transport) {
        this.store = store;
        this.transport = transport;
    }

    /** Binds {@code config.listen()} and serves from {@code store}, which the server then owns. */
    public static ModstampServer start(ServerConfig config, ValueStore store) throws IOException {
        return start(config, store, new MonotonicClock());
    }

    /**
     * As {@link #start(ServerConfig, ValueStore)}, with the clock that listener expiry follows. If the
     * port cannot be bound, the store is closed and the exception says why.
     */
    public static ModstampServer start(ServerConfig config, ValueStore store, InstantSource clock) throws IOException {
        ListenerRegistry registry = new ListenerRegistry((int) config.listenerTtl().toSeconds());
        DatagramHandler handler = new DatagramHandler(config, store, registry, clock);
        Batch batch = new Batch();
        UdpTransport transport;
        try {
            transport = bind(config, handler, batch);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        transport.every(SWEEP_PERIOD_SECONDS, handler::sweepListeners);
        LOG.log(System.Logger.Level.INFO, () -> "modstamp server listening on UDP " + transport.localAddress());
        return new ModstampServer(store, transport);
    }

    private static UdpTransport bind(ServerConfig config, DatagramHandler handler, Batch batch) throws IOException {
        return UdpTransport.bind(config.listen(), config.io(), config.effectiveIoThreads(),
                ServerConfig.MAX_REQUEST_SIZE,
                new UdpTransport.DatagramSink() {
                    @Override
                    public void receive(InetSocketAddress sender, ByteBuffer datagram) {
                        handler.handle(sender, datagram, batch);
                    }

                    @Override
                    public List<OutgoingDatagram> flush() {
                        return batch.isEmpty() ? List.of() : handler.complete(batch);
                    }
                });
    }

    /** The bound address, with the real port when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    public int port() {
        return localAddress().getPort();
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
