package org.modstamp.ra.inbound;

import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import org.modstamp.client.ChangeHandler;
import org.modstamp.client.Listening;
import org.modstamp.client.ModstampClient;
import org.modstamp.ra.ClientPool;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/**
 * One message-driven bean's listen: a listen on the shared client of its server, and a queue of changes
 * that a Work delivers to the bean one at a time, in order. The client's loop only queues, so a slow bean
 * never stalls the socket or another bean; while the bean is busy, a newer change of an id replaces the
 * queued one (the protocol's rule: intermediate values may be skipped, the latest always arrives), so the
 * queue never holds more than one change per id.
 */
public final class ModstampActivation {
    private static final Logger LOG = Logger.getLogger(ModstampActivation.class.getName());
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    static final Method ON_CHANGE;

    static {
        try {
            ON_CHANGE = ModstampListener.class.getMethod("onModstampChange", ModstampChange.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MessageEndpointFactory factory;
    /** The bean's class name where the container tells it, for the log (WildFly's activation names are opaque). */
    private final String bean;
    private final ModstampActivationSpec spec;
    private final WorkManager workManager;
    private final String server;
    private final Timer timer;
    private final Map<String, ModstampChange> queue = new LinkedHashMap<>();
    private final AtomicInteger delivering = new AtomicInteger();
    private boolean deliveryScheduled;
    private volatile boolean stopped;
    private volatile Listening listening;
    private ClientPool clients;

    private ModstampActivation(MessageEndpointFactory factory, ModstampActivationSpec spec, WorkManager workManager,
                               Timer timer, String server) {
        this.factory = factory;
        this.bean = factory.getEndpointClass() != null ? factory.getEndpointClass().getName() : factory.getActivationName();
        this.spec = spec;
        this.workManager = workManager;
        this.timer = timer;
        this.server = server;
    }

    /** Starts listening for the bean; never waits for the network. */
    public static ModstampActivation start(MessageEndpointFactory factory, ModstampActivationSpec spec,
                                           ClientPool clients, WorkManager workManager, Timer timer) throws IOException {
        ModstampClient client = clients.client(spec.getServer());
        ModstampActivation activation = new ModstampActivation(factory, spec, workManager, timer,
                client.server().getHostString() + ":" + client.server().getPort());
        activation.clients = clients;
        Map<String, String> unknown = new LinkedHashMap<>();
        spec.ids().forEach(id -> unknown.put(id, null));
        activation.listening = activation.listenOn(client, unknown);
        LOG.info(() -> "modstamp: " + activation.bean + " listens to " + spec.ids() + " on " + activation.server);
        return activation;
    }

    private Listening listenOn(ModstampClient client, Map<String, String> lastKnown) {
        return client.listen(lastKnown, new Handler(), spec.deliversInitialValues(),
                Duration.ofSeconds(spec.getQueryInterval()));
    }

    /**
     * The client under this listen died: listen again on its replacement, retrying every second, from the
     * values the dead listen knew, so that a change made while no client was listening is delivered too.
     */
    private void relisten() {
        if (stopped) {
            return;
        }
        try {
            listening = listenOn(clients.client(spec.getServer()), listening.lastKnown());
            if (stopped) { // stop() ran meanwhile and closed the listen before this one
                listening.close();
                return;
            }
            LOG.info(() -> "modstamp: " + bean + " listens again to " + spec.ids());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "modstamp: " + bean + " cannot listen again yet", e);
            timer.schedule(new TimerTask() {
                @Override
                public void run() {
                    relisten();
                }
            }, RETRY.toMillis());
        }
    }

    /** Stops listening; queued changes are dropped; waits (at most 5 s) for a delivery in progress. */
    public void stop() {
        stopped = true;
        if (listening != null) {
            listening.close();
        }
        synchronized (queue) {
            queue.clear();
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (delivering.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info(() -> "modstamp: " + bean + " stopped listening to " + spec.ids());
    }

    /** Called on the client's loop: queue, and make sure a delivery Work runs. */
    void enqueue(ModstampChange change) {
        if (stopped) {
            return;
        }
        synchronized (queue) {
            ModstampChange older = queue.remove(change.id());
            queue.put(change.id(), older == null ? change
                    : new ModstampChange(change.id(), change.value(), older.previousValue(), change.server(),
                    change.receivedAt()));
            if (deliveryScheduled) {
                return;
            }
            deliveryScheduled = true;
        }
        scheduleDelivery();
    }

    /** Schedules the delivery Work; if the WorkManager refuses, tries again a second later (the flag stays set). */
    private void scheduleDelivery() {
        if (stopped) {
            return;
        }
        try {
            workManager.scheduleWork(new DeliveryWork());
        } catch (WorkException e) {
            LOG.log(Level.WARNING, "modstamp: the WorkManager refused a delivery to " + bean
                    + "; retrying in " + RETRY.toMillis() + " ms", e);
            timer.schedule(new TimerTask() {
                @Override
                public void run() {
                    scheduleDelivery();
                }
            }, RETRY.toMillis());
        }
    }

    /** The next queued change, or null, in which case the delivery Work ends. */
    private ModstampChange next() {
        synchronized (queue) {
            Iterator<ModstampChange> it = queue.values().iterator();
            if (stopped || !it.hasNext()) {
                deliveryScheduled = false;
                return null;
            }
            ModstampChange change = it.next();
            it.remove();
            return change;
        }
    }

    /** Gives up the queued changes (the activation stopped). */
    private void drop() {
        synchronized (queue) {
            queue.clear();
            deliveryScheduled = false;
        }
    }

    private final class Handler implements ChangeHandler {
        @Override
        public void onChange(String id, String value) {
            onChange(id, null, value);
        }

        @Override
        public void onChange(String id, String previousValue, String value) {
            enqueue(new ModstampChange(id, value, previousValue, server, Instant.now()));
        }

        @Override
        public void onNoResponse(Duration silence) {
            LOG.warning(() -> "modstamp: no answer from " + server + " for " + silence.toSeconds() + " s ("
                    + bean + " keeps querying)");
        }

        @Override
        public void onResponseResumed() {
            LOG.info(() -> "modstamp: " + server + " answers again");
        }

        @Override
        public void onClosed() {
            if (!stopped) {
                LOG.warning(() -> "modstamp: the client for " + server + " stopped; " + bean
                        + " listens again");
                timer.schedule(new TimerTask() {
                    @Override
                    public void run() {
                        relisten();
                    }
                }, 0);
            }
        }
    }

    /**
     * Delivers queued changes to the bean, one at a time, until the queue is empty, through one endpoint
     * (created off the activation thread, released in the end whatever happens).
     */
    private final class DeliveryWork implements Work {
        @Override
        public void run() {
            delivering.incrementAndGet();
            try {
                MessageEndpoint endpoint = createEndpoint();
                if (endpoint == null) {
                    return;
                }
                try {
                    for (ModstampChange change = next(); change != null; change = next()) {
                        deliver(endpoint, change);
                    }
                } finally {
                    endpoint.release();
                }
            } finally {
                delivering.decrementAndGet();
            }
        }

        /**
         * An endpoint, retried with a growing pause while the bean is not ready (the changes wait, one per
         * id); null once the activation stopped.
         */
        private MessageEndpoint createEndpoint() {
            long pause = 100;
            while (!stopped) {
                try {
                    MessageEndpoint endpoint = factory.createEndpoint(null);
                    if (stopped) {
                        endpoint.release();
                        break;
                    }
                    return endpoint;
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "modstamp: no endpoint for " + bean + " yet; "
                            + "retrying in " + pause + " ms", e);
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    pause = Math.min(pause * 2, 5_000);
                }
            }
            drop();
            return null;
        }

        private void deliver(MessageEndpoint endpoint, ModstampChange change) {
            try {
                endpoint.beforeDelivery(ON_CHANGE);
                try {
                    ((ModstampListener) endpoint).onModstampChange(change);
                } finally {
                    endpoint.afterDelivery();
                }
            } catch (Throwable e) {
                LOG.log(Level.SEVERE, "modstamp: " + bean + " threw on the change of "
                        + change.id() + " (delivery goes on)", e);
            }
        }

        @Override
        public void release() {
            // next() returns null once the activation stops
        }
    }
}
