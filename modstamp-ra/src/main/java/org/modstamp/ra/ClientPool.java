package org.modstamp.ra;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkAdapter;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkContextProvider;
import jakarta.resource.spi.work.WorkEvent;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;

/**
 * One {@link ModstampClient} per server, shared by every activation and connection to it, each client's
 * loop running as a long-lived Work. Clients live until the adapter stops.
 */
public final class ClientPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientPool.class.getName());

    private final ClientConfig config;
    private final WorkManager workManager;
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final boolean longRunningHint;
    private final Timer timer;
    private final Map<String, ModstampClient> byServer = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * {@code longRunningHint}: the WorkManager takes a HintsContext, so the never-ending loops are marked
     * long-running (IronJacamar then runs them in its long-running pool, not the short one).
     */
    public ClientPool(ClientConfig config, WorkManager workManager, boolean longRunningHint, Timer timer) {
        this.config = config;
        this.workManager = workManager;
        this.longRunningHint = longRunningHint;
        this.timer = timer;
    }

    public ClientConfig config() {
        return config;
    }

    /**
     * The client for {@code server} ("host:port", port 1415 by default), opened on first use. The name is
     * resolved at each call, and clients are kept per address: when the name moves to another address, the
     * caller gets a client for the new one.
     */
    public ModstampClient client(String server) throws IOException {
        if (closed) {
            throw new IOException("the modstamp resource adapter is stopped");
        }
        InetSocketAddress address = resolve(server);
        try {
            // a client whose loop died is replaced, so that one failure does not silence a server for good
            return byServer.compute(address.toString(), (k, existing) ->
                    existing == null || existing.isClosed() ? open(address) : existing);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e.getCause());
        }
    }

    /** The address {@code server} ("host:port") has now; UnknownHostException when its name does not resolve. */
    public static InetSocketAddress resolve(String server) throws UnknownHostException {
        HostPort hostPort = HostPort.parse(server, Protocol.DEFAULT_PORT);
        InetSocketAddress address = new InetSocketAddress(hostPort.host(), hostPort.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException("cannot resolve host '" + hostPort.host() + "' of " + server);
        }
        return address;
    }

    private ModstampClient open(InetSocketAddress server) {
        try {
            return ModstampClient.open(server, config, loop -> {
                try {
                    scheduleLoop(loop, server);
                } catch (WorkException e) {
                    throw new IllegalStateException("the WorkManager refused the client loop for " + server, e);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a UDP socket for " + server + ": " + e.getMessage(), e);
        }
    }

    /**
     * Schedules a client's loop. A refusal at once fails the client's opening (the caller retries); a refusal
     * reported later through the WorkListener (the loop never ran) schedules it again a second later, so that
     * the listens waiting on it are served once the WorkManager has a thread.
     */
    private void scheduleLoop(Runnable loop, InetSocketAddress server) throws WorkException {
        Work work = longRunningHint ? new LongRunningLoopWork(loop, server) : new LoopWork(loop, server);
        LoopWatch watch = new LoopWatch(loop, server);
        try {
            workManager.scheduleWork(work, WorkManager.INDEFINITE, null, watch);
        } catch (WorkException | RuntimeException e) {
            watch.reported.set(true); // the opening fails instead
            throw e;
        }
    }

    /** Schedules a loop again (once) when the WorkManager drops or fails it after accepting it. */
    private final class LoopWatch extends WorkAdapter {
        private final Runnable loop;
        private final InetSocketAddress server;
        private final AtomicBoolean reported = new AtomicBoolean();

        LoopWatch(Runnable loop, InetSocketAddress server) {
            this.loop = loop;
            this.server = server;
        }

        @Override
        public void workRejected(WorkEvent event) {
            dropped(event);
        }

        @Override
        public void workCompleted(WorkEvent event) {
            if (event.getException() != null) {
                dropped(event); // failed by the container: the loop itself never throws
            }
        }

        private void dropped(WorkEvent event) {
            if (closed || !reported.compareAndSet(false, true)) {
                return;
            }
            LOG.log(Level.WARNING, "modstamp: the WorkManager dropped the client loop for " + server
                    + "; scheduling it again in " + RETRY.toMillis() + " ms", event.getException());
            retryLoop(loop, server);
        }
    }

    private void retryLoop(Runnable loop, InetSocketAddress server) {
        try {
            timer.schedule(new TimerTask() {
                @Override
                public void run() {
                    if (closed) {
                        return;
                    }
                    try {
                        scheduleLoop(loop, server);
                    } catch (WorkException | RuntimeException e) {
                        LOG.log(Level.WARNING, "modstamp: the WorkManager refused the client loop for " + server
                                + " again; retrying in " + RETRY.toMillis() + " ms", e);
                        retryLoop(loop, server);
                    }
                }
            }, RETRY.toMillis());
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "modstamp: the adapter's timer is stopped; not scheduling the client loop again", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        byServer.values().forEach(ModstampClient::close);
        byServer.clear();
    }

    /** A client's loop, marked long-running for WorkManagers that take hints. */
    private record LongRunningLoopWork(Runnable loop, InetSocketAddress server) implements Work, WorkContextProvider {
        @Override
        public void run() {
            new LoopWork(loop, server).run();
        }

        @Override
        public void release() {
            // the loop ends when its client is closed
        }

        @Override
        public List<WorkContext> getWorkContexts() {
            HintsContext hints = new HintsContext();
            hints.setHint(HintsContext.LONGRUNNING_HINT, Boolean.TRUE);
            hints.setName("modstamp client loop for " + server);
            return List.of(hints);
        }
    }

    /** A client's loop: runs until the client is closed. */
    private record LoopWork(Runnable loop, InetSocketAddress server) implements Work {
        @Override
        public void run() {
            try {
                loop.run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "modstamp client loop for " + server + " failed", e);
            }
        }

        @Override
        public void release() {
            // the loop ends when its client is closed
        }
    }
}
