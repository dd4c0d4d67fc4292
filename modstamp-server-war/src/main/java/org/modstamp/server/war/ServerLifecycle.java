package org.modstamp.server.war;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
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
 * the deployment with a message that says what is wrong, on a container that runs managed threads during the
 * deployment (Payara, WildFly). Open Liberty runs none before the web module has initialized (OpenLiberty issue
 * 11627): there the server starts once they run, just after the deployment, and a failure is logged (SEVERE).
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

    /**
     * How long the deployment waits for a thread of the ManagedThreadFactory to begin before it leaves the start to
     * that thread (Open Liberty's wait for the end of the deployment). Elsewhere a thread begins within milliseconds.
     */
    private static final long THREAD_PROBE_SECONDS = 2;
    private static final int UNDECIDED = 0;
    private static final int NOW = 1;
    private static final int AFTER_DEPLOYMENT = 2;

    private volatile ModstampServer server;
    private volatile boolean stopped;
    private volatile long startedAt;
    private volatile ServerConfig config;
    private volatile TransportConfig transport;

    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) throws InterruptedException {
        if (managedThreadsRunNow()) {
            startServer();
        }
    }

    /**
     * Whether a thread of the ManagedThreadFactory runs while the application deploys; the server's sockets are
     * bound on such threads, and the deployment waits for them. Where none runs yet (Open Liberty), the probe
     * thread starts the server itself once it runs.
     */
    private boolean managedThreadsRunNow() throws InterruptedException {
        AtomicInteger decision = new AtomicInteger(UNDECIDED);
        CountDownLatch began = new CountDownLatch(1);
        threads.newThread(() -> {
            if (decision.compareAndSet(UNDECIDED, NOW)) {
                began.countDown();
            } else {
                startAfterDeployment();
            }
        }).start();
        if (began.await(THREAD_PROBE_SECONDS, TimeUnit.SECONDS) || !decision.compareAndSet(UNDECIDED, AFTER_DEPLOYMENT)) {
            return true;
        }
        LOG.info("modstamp server: the container runs no managed thread while the application deploys (Open Liberty):"
                + " the server starts after the deployment");
        return false;
    }

    private void startAfterDeployment() {
        try {
            startServer();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, e.getMessage(), e);
        }
    }

    private synchronized void startServer() {
        if (stopped) {
            return;
        }
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
    synchronized void stop() {
        stopped = true;
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
