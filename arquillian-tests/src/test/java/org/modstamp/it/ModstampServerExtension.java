package org.modstamp.it;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;

/**
 * Runs a real modstamp server of this project in the test JVM, on the port Maven reserved
 * ({@code modstamp.test.port}), before Arquillian starts Payara Micro and deploys (register it first).
 */
public final class ModstampServerExtension implements BeforeAllCallback, AfterAllCallback {
    private static ModstampServer server;

    public static int port() {
        String port = System.getProperty("modstamp.test.port");
        if (port == null || port.isBlank() || port.startsWith("$")) {
            throw new IllegalStateException("modstamp.test.port is not set: run these tests through Maven");
        }
        return Integer.parseInt(port);
    }

    public static InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    /** Waits (at most 10 s) until the server has a listener of {@code id}: a bean or client has queried it. */
    public static void awaitListener(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.listeners(id, 0, 1).total() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nobody listens to " + id + " after 10 s");
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = ModstampServer.start(ServerConfig.defaults().withListen(address()), new MemoryValueStore());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }
}
