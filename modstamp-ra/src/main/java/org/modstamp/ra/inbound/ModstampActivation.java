package org.modstamp.ra.inbound;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;

import org.modstamp.client.ChangeHandler;
import org.modstamp.client.KeepAliveStatus;
import org.modstamp.client.Listening;
import org.modstamp.client.ModstampClient;
import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;
import org.modstamp.ra.ClientPool;
import org.modstamp.ra.api.ModstampChange;

/**
 * One message-driven bean's listen: a listen of its ids and a watch of each of its prefixes ({@link PrefixWatches})
 * on the shared client of its server, whose changes go to the bean through its {@link BeanDelivery}. The listen
 * follows the server's name when it resolves to a new address, and starts again when its client dies. With
 * {@code resume}, the values the bean committed (and the positions of its watches) are kept in a file
 * ({@link CommittedValues}) that the next activation of the bean starts from.
 */
public final class ModstampActivation {
    private static final Logger LOG = Logger.getLogger(ModstampActivation.class.getName());
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** The bean's class name where the container tells it, for the log (WildFly's activation names are opaque). */
    private final String bean;
    private final ModstampActivationSpec spec;
    private final String server;
    private final Timer timer;
    private final CommittedValues committed;
    private final BeanDelivery delivery;
    /** The watches of the bean's patterns; null when it has none. */
    private final PrefixWatches watches;
    private volatile boolean stopped;
    /** The running listen; null until the server's name first resolved. Replaced on the timer's thread only. */
    private volatile Listening listening;
    /** The address the listen talks to. */
    private volatile InetSocketAddress listeningTo;
    /** The client listened on now (its keep-alive is reported at FINE when it changes). */
    private volatile ModstampClient listeningOn;
    private KeepAliveStatus reported;
    /** What the first listen starts from: the committed values with resume, else nothing known. */
    private final Map<String, String> startFrom;
    private final ClientPool clients;
    private TimerTask following;

    private ModstampActivation(MessageEndpointFactory factory, ModstampActivationSpec spec, ClientPool clients,
                               WorkManager workManager, Timer timer, CommittedValues committed) {
        this.bean = beanName(factory);
        this.spec = spec;
        this.clients = clients;
        this.timer = timer;
        this.delivery = new BeanDelivery(factory, bean, spec.getMaxRedeliveries(), workManager, timer, committed);
        this.server = HostPort.parse(spec.getServer(), Protocol.DEFAULT_PORT).toString();
        this.committed = committed;
        Map<String, String> known = new LinkedHashMap<>();
        Map<String, String> before = committed == null ? Map.of() : committed.values();
        spec.ids().forEach(id -> known.put(id, before.get(id)));
        this.startFrom = known;
        this.watches = spec.patterns().isEmpty() ? null
                : new PrefixWatches(spec.patterns(), server, bean, delivery, committed, this::clientClosed);
        if (watches != null) {
            delivery.onCaughtUp(() -> watches.recordCommitted(delivery::nothingQueued));
        }
    }

    /** The bean's ids and patterns, for the log. */
    private String what() {
        List<String> all = new ArrayList<>(spec.ids());
        all.addAll(spec.patterns());
        return all.toString();
    }

    /** The bean's class name, or the container's activation name when it does not tell the class. */
    private static String beanName(MessageEndpointFactory factory) {
        return factory.getEndpointClass() != null ? factory.getEndpointClass().getName() : factory.getActivationName();
    }

    /**
     * Starts listening for the bean; never waits for the network. With a {@code stateDirectory} (null without
     * resume), the values the bean committed before are kept there, and the listen starts from them. A server
     * name that does not resolve yet is tried again every second (the activation succeeds); once listening,
     * the name is resolved again every query interval, and the listen follows it to a new address.
     */
    public static ModstampActivation start(MessageEndpointFactory factory, ModstampActivationSpec spec,
                                           ClientPool clients, WorkManager workManager, Timer timer,
                                           Path stateDirectory) throws IOException {
        CommittedValues committed = stateDirectory == null ? null : committedValues(stateDirectory, factory, spec);
        ModstampActivation activation = new ModstampActivation(factory, spec, clients, workManager, timer, committed);
        try {
            activation.listenOn(clients.client(spec.getServer()), activation.startFrom);
            LOG.info(() -> "modstamp: " + activation.bean + " listens to " + activation.what() + " on " + activation.server
                    + " (" + activation.listeningTo + ")"
                    + (committed == null ? "" : ", resuming from " + committed.file()));
        } catch (IOException e) { // a name that does not resolve yet, a WorkManager with no thread to spare
            LOG.warning(() -> "modstamp: " + activation.bean + " cannot listen to " + activation.what() + " yet: "
                    + e.getMessage() + "; trying again every " + RETRY.toSeconds() + " s");
            activation.later(RETRY, activation::relisten);
        }
        activation.followTheName();
        return activation;
    }

    /** Every query interval, resolves the server's name again and listens on the new address if it moved. */
    private void followTheName() {
        long period = Duration.ofSeconds(spec.getQueryInterval()).toMillis();
        following = new TimerTask() {
            @Override
            public void run() {
                reportKeepAlive();
                try {
                    InetSocketAddress now = ClientPool.resolve(spec.getServer());
                    if (listeningOn != null && !now.equals(listeningTo) && !stopped) {
                        LOG.info(() -> "modstamp: " + server + " now resolves to " + now + " (was " + listeningTo
                                + "); " + bean + " listens there");
                        relisten();
                    }
                } catch (UnknownHostException e) {
                    LOG.log(Level.FINE, "modstamp: " + server + " does not resolve now; " + bean
                            + " keeps listening on " + listeningTo, e);
                } catch (RuntimeException e) { // a TimerTask that throws would end the adapter's timer
                    LOG.log(Level.SEVERE, "modstamp: following the address of " + server + " failed", e);
                }
            }
        };
        try {
            timer.schedule(following, period, period);
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "modstamp: the adapter's timer is stopped", e);
        }
    }

    /**
     * What the keep-alive of the socket this bean listens on knows (its learned interval, the mapping changes the
     * server saw): empty before the first listen.
     */
    public java.util.Optional<KeepAliveStatus> keepAlive() {
        ModstampClient client = listeningOn;
        return client == null ? java.util.Optional.empty() : java.util.Optional.of(client.keepAlive());
    }

    /** Logs at FINE what changed in the keep-alive since the last report: the interval, a mapping change. */
    private void reportKeepAlive() {
        KeepAliveStatus now = keepAlive().orElse(null);
        KeepAliveStatus before = reported;
        if (now == null || (before != null && before.interval().equals(now.interval())
                && before.mappingChanges() == now.mappingChanges())) {
            return;
        }
        reported = now;
        LOG.fine(() -> "modstamp: " + bean + " on " + listeningTo + ": keep-alive every " + now.interval().toMillis()
                + " ms (" + (!now.adaptive() ? "fixed" : !now.serverProbes() ? "fixed: the server has no mapping probes"
                : now.settled() ? "learned" : "learning") + "), mapping lifetime proven " + now.provenLifetime().toMillis()
                + " ms, seen as " + now.seenAs() + ", " + now.mappingChanges() + " mapping change(s), " + now.probes()
                + " probe(s)");
    }

    /** The bean's committed values, in a file named after the bean and its server. */
    private static CommittedValues committedValues(Path directory, MessageEndpointFactory factory,
                                                  ModstampActivationSpec spec) throws IOException {
        try {
            return CommittedValues.open(directory.resolve(CommittedValues.fileName(beanName(factory) + "@"
                    + HostPort.parse(spec.getServer(), Protocol.DEFAULT_PORT))));
        } catch (IOException e) {
            throw new IOException("resume=true needs a writable stateDirectory (a property of the adapter), and "
                    + directory + " is not: " + e, e);
        }
    }

    /**
     * With resume, an id the bean has not committed yet is delivered at its first value, whatever
     * initialValues says: learning it silently would leave nothing to resume from, and a change made while
     * the bean is away would then be learned silently again, and lost.
     */
    private void listenOn(ModstampClient client, Map<String, String> lastKnown) {
        if (!spec.ids().isEmpty()) {
            listening = client.listen(lastKnown, new Handler(), spec.deliversInitialValues() || committed != null,
                    Duration.ofSeconds(spec.getQueryInterval()));
        }
        if (watches != null) {
            watches.watchOn(client);
        }
        listeningTo = client.server();
        listeningOn = client;
    }

    /** The client under the listens stopped (or failed): listen again, unless the bean is stopping. */
    private void clientClosed() {
        if (!stopped) {
            LOG.warning(() -> "modstamp: the client for " + server + " stopped; " + bean + " listens again");
            later(Duration.ZERO, this::relisten);
        }
    }

    /**
     * Listens (again) on the client for the server's current address, retrying every second: after its client
     * died, when its name moved, or when it did not resolve at first. The new listen starts from the values the
     * old one knew, so that a change made while nobody listened is delivered too. Runs on the timer's thread.
     */
    private void relisten() {
        if (stopped) {
            return;
        }
        try {
            Listening previous = listening;
            ModstampClient client = clients.client(spec.getServer());
            if (previous != null) {
                previous.close();
            }
            listenOn(client, previous == null ? startFrom : previous.lastKnown());
            if (stopped) { // stop() ran meanwhile and closed the listen before this one
                closeListens();
                return;
            }
            LOG.info(() -> "modstamp: " + bean + " listens " + (previous == null ? "" : "again ") + "to " + what()
                    + " on " + server + " (" + listeningTo + ")");
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "modstamp: " + bean + " cannot listen to " + server + " yet; trying again in "
                    + RETRY.toSeconds() + " s", e);
            later(RETRY, this::relisten);
        }
    }

    /**
     * Waits at most {@code timeout} until the running listen knows the first value of every id (the server has
     * registered it, see {@link Listening#ready}): true then; false when the time passed, or nothing listens yet
     * (a server name that did not resolve). Throws IllegalStateException when the listen ended first.
     */
    public boolean awaitListening(Duration timeout) throws InterruptedException {
        Listening current = listening;
        if (listeningOn == null || (current == null && !spec.ids().isEmpty())) {
            return false;
        }
        return (current == null || current.awaitReady(timeout)) && (watches == null || watches.awaitReady(timeout));
    }

    /** Stops listening and waits until no bean code of this activation runs any more ({@link #awaitStopped}). */
    public void stop() {
        beginStop();
        awaitStopped();
    }

    /** Stops listening and drops the queued changes; returns at once. */
    public void beginStop() {
        stopped = true;
        if (following != null) {
            following.cancel();
        }
        if (watches != null && delivery.idle()) {
            watches.recordCommitted(delivery::idle); // every change told is committed: the positions are the bean's
        }
        closeListens();
        if (watches != null) {
            watches.freeze(true);
        }
        boolean dropped = delivery.beginStop();
        if (watches != null && !dropped) {
            watches.freeze(false); // a position recorded later passes no change that was dropped
        }
    }

    private void closeListens() {
        if (listening != null) {
            listening.close();
        }
        if (watches != null) {
            watches.close();
        }
    }

    /**
     * Waits, without a limit, until no delivery of this activation runs (see {@link BeanDelivery#awaitStopped}).
     */
    public void awaitStopped() {
        delivery.awaitStopped();
        LOG.info(() -> "modstamp: " + bean + " stopped listening to " + what());
    }

    private boolean later(Duration delay, Runnable task) {
        return AdapterTimer.later(timer, delay, task, bean, stopped);
    }

    private final class Handler implements ChangeHandler {
        @Override
        public void onChange(String id, String value) {
            onChange(id, null, value);
        }

        @Override
        public void onChange(String id, String previousValue, String value) {
            if (value == null && previousValue == null && committed != null && !spec.deliversInitialValues()) {
                return; // resume asked for first values: an id that has none has nothing to deliver yet
            }
            delivery.enqueue(new ModstampChange(id, value, previousValue, server, Instant.now()));
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
            clientClosed();
        }
    }
}
