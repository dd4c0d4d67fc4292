package org.modstamp.ee;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.naming.Reference;

import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.ra.api.ModstampConnection;
import org.modstamp.ra.api.ModstampConnectionFactory;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;

/** A real modstamp server on loopback, and a connection factory that pushes to it through a real client, as the adapter's does. */
final class ServerTarget implements ModstampConnectionFactory, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private final transient ModstampServer server;
    private final transient ModstampClient client;

    private ServerTarget(ModstampServer server, ModstampClient client) {
        this.server = server;
        this.client = client;
    }

    static ServerTarget start() throws IOException {
        ModstampServer server = ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)),
                new MemoryValueStore());
        return new ServerTarget(server, ModstampClient.open(server.localAddress(), ClientConfig.defaults()));
    }

    /** The value the server holds for {@code id}, null for none. */
    String value(String id) {
        return client.get(List.of(id)).get(id);
    }

    /** Waits (at most 10 s) until the server holds {@code value} for {@code id}. */
    boolean awaitValue(String id, String value) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Objects.equals(value, value(id))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return true;
    }

    @Override
    public ModstampConnection getConnection() {
        return new ModstampConnection() {
            @Override
            public Map<String, String> push(Map<String, String> changes) {
                return client.push(changes);
            }

            @Override
            public Map<String, String> get(Collection<String> ids) {
                return client.get(ids);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void setReference(Reference reference) {
    }

    @Override
    public Reference getReference() {
        return null;
    }

    /** Connection factories that always find this target. */
    ConnectionFactories factories() {
        return new ConnectionFactories() {
            @Override
            ModstampConnectionFactory lookup(String jndiName) {
                return ServerTarget.this;
            }
        };
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
