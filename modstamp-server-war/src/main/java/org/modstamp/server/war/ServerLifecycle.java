package org.modstamp.server.war;

import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.ServiceUnavailableException;

import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.store.ValueStore;
import org.modstamp.server.transport.TransportConfig;

/**
 * Starts the server with the application and stops it with it; its threads come from the container's
 * ManagedThreadFactory. A start that fails (bad configuration, port taken, database not writable) fails
 * the deployment with a message that says what is wrong.
 */
@ApplicationScoped
public class ServerLifecycle {
    private static final Logger LOG = Logger.getLogger(ServerLifecycle.class.getName());

    @Inject
    ServerSettings settings;

    /** Absent where the server has no MicroProfile Metrics (WildFly 39 ships Micrometer instead). */
    @Inject
    Instance<ServerMetrics> metrics;

    @Inject
    TrafficHistory history;

    @Resource
    ManagedThreadFactory threads;

    private volatile ModstampServer server;
    private volatile long startedAt;
    private volatile ServerConfig config;
    private volatile TransportConfig transport;

    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        try {
            ServerConfig config = settings.serverConfig();
            TransportConfig transport = settings.transportConfig();
            settings.adminToken(); // a token too short fails the deployment, not each request
            settings.httpHosts();
            ValueStore store = settings.openStore();
            ServerStats stats = new ServerStats();
            if (metrics.isResolvable()) {
                metrics.get().register(stats);
            } else {
                LOG.info("no MicroProfile Metrics here: modstamp counters are on the status page only");
            }
            server = ModstampServer.start(config, transport, store, threads, stats);
            startedAt = System.currentTimeMillis();
            this.config = config;
            this.transport = transport;
            history.follow(stats);
            LOG.info(() -> "modstamp server listening on UDP " + server.localAddress() + " (values in "
                    + settings.describeStore() + ")");
        } catch (Exception e) {
            throw new IllegalStateException("modstamp server did not start: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void stop() {
        ModstampServer running = server;
        server = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running server; fails clearly while there is none. */
    public ModstampServer server() {
        ModstampServer running = server;
        if (running == null) {
            throw new IllegalStateException("the modstamp server is not running");
        }
        return running;
    }

    /** The running server; 503 Service Unavailable for an API request while it is not running. */
    public ModstampServer running() {
        ModstampServer running = server;
        if (running == null) {
            throw new ServiceUnavailableException("the modstamp server is not running");
        }
        return running;
    }

    /** The configuration the running server started with. */
    public ServerConfig config() {
        return config;
    }

    /** How the running server's port is served. */
    public TransportConfig transport() {
        return transport;
    }

    /** When the server started (epoch milliseconds), 0 before. */
    public long startedAt() {
        return startedAt;
    }

    public boolean isRunning() {
        return server != null;
    }
}
