package org.modstamp.ra;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

import org.modstamp.client.ModstampClient;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;

/** A real modstamp server on a loopback port, the adapter started in a fake container, and a producer client. */
final class RunningAdapter implements AutoCloseable {
    final ModstampServer server;
    final String address;
    final FakeContainer container;
    final ModstampResourceAdapter adapter;
    final ModstampClient producer;

    private RunningAdapter(ModstampServer server, FakeContainer container, ModstampResourceAdapter adapter)
            throws Exception {
        this.server = server;
        this.address = "127.0.0.1:" + server.port();
        this.container = container;
        this.adapter = adapter;
        this.producer = ModstampClient.open(address);
    }

    /** Starts everything; {@code configure} sets adapter properties before the adapter starts. */
    static RunningAdapter start(Consumer<ModstampResourceAdapter> configure) throws Exception {
        ModstampServer server = ModstampServer.start(
                ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)), new MemoryValueStore());
        FakeContainer container = new FakeContainer();
        ModstampResourceAdapter adapter = new ModstampResourceAdapter();
        configure.accept(adapter);
        adapter.start(container);
        return new RunningAdapter(server, container, adapter);
    }

    @Override
    public void close() throws Exception {
        producer.close();
        adapter.stop();
        container.close();
        server.close();
    }
}
