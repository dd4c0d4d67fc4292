package org.modstamp.ee;

import java.time.Duration;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.resource.ResourceException;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.modstamp.client.Values;
import org.modstamp.ra.api.ModstampConnectionFactory;

/**
 * Pushes changes when the data they announce is visible: inside a JTA transaction, after it commits (the
 * last value of an id wins; nothing on rollback); outside one, at once. Every push gets a version from a
 * hybrid logical clock, so that of two values of an id the newer wins everywhere: in the senders, in the
 * outbox, across instances. Sending is asynchronous (a ManagedExecutorService task, never the committing
 * thread) and retried until every configured server confirmed each change (one sender per target, which keeps
 * only the newest unconfirmed value of an id, so an older value is never resent after a newer one), or
 * {@code modstamp.pusher.deadlineSeconds} passed; failures are logged and counted
 * ({@link #stats()}), never thrown at the caller. Pushes go through the resource adapter's connection
 * factories, so the socket stays the adapter's.
 *
 * <pre>{@code
 * @Inject ModstampPusher pusher;
 * @Transactional void ship(Order o) { orders.save(o); pusher.touch("orders"); }
 * }</pre>
 */
@ApplicationScoped
public class ModstampPusher {
    private static final Logger LOG = Logger.getLogger(ModstampPusher.class.getName());

    @Inject
    @ConfigProperty(name = "modstamp.connectionFactories", defaultValue = "java:app/modstamp")
    String connectionFactoryNames;

    @Inject
    @ConfigProperty(name = "modstamp.pusher.deadlineSeconds", defaultValue = "60")
    long deadlineSeconds;

    @Inject
    @ConfigProperty(name = "modstamp.pusher.shutdownWaitSeconds", defaultValue = "10")
    long shutdownWaitSeconds;

    @Inject
    @ConfigProperty(name = "modstamp.pusher.outbox", defaultValue = " ")
    String outboxDataSource = "";

    @Inject
    @ConfigProperty(name = "modstamp.pusher.outboxTable", defaultValue = "modstamp_outbox")
    String outboxTable = "modstamp_outbox";

    @Inject
    @ConfigProperty(name = "modstamp.pusher.outboxSweepSeconds", defaultValue = "10")
    long outboxSweepSeconds = 10;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ExecutorService executor;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ScheduledExecutorService scheduler;

    ConnectionFactories factories = new ConnectionFactories();
    HybridClock clock = HybridClock.JVM;
    private final PusherStats stats = new PusherStats();
    private final Map<String, TargetSender> senders = new ConcurrentHashMap<>();
    private List<String> targets;
    private PusherExecutors executors;
    private PushDispatcher dispatcher;
    /** The transactional outbox and its sweep, null without one. */
    private OutboxRelay relay;

    @PostConstruct
    void configure() {
        try {
            start();
        } catch (RuntimeException | LinkageError e) { // Payara Server logs only that the call failed, not why
            LOG.log(Level.SEVERE, "modstamp: the pusher cannot start: " + e, e);
            throw e;
        }
    }

    private void start() {
        targets = Arrays.stream(connectionFactoryNames.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .distinct().toList();
        if (targets.isEmpty()) {
            throw new IllegalStateException("modstamp.connectionFactories names no connection factory");
        }
        if (deadlineSeconds < 1 || shutdownWaitSeconds < 0) {
            throw new IllegalStateException("modstamp.pusher.deadlineSeconds must be at least 1 (not " + deadlineSeconds
                    + ") and modstamp.pusher.shutdownWaitSeconds at least 0 (not " + shutdownWaitSeconds + ")");
        }
        executors = new PusherExecutors(executor, scheduler);
        Outbox outbox = outboxDataSource.isBlank() ? null : openOutbox(outboxDataSource.trim());
        dispatcher = new PushDispatcher(targets, this::sender, outbox, stats, executors);
        if (outbox != null) {
            relay = new OutboxRelay(outbox, targets, clock, dispatcher::resend);
            relay.start(scheduler, outboxSweepSeconds);
            LOG.info(() -> "modstamp: the pusher keeps its changes in " + outbox);
        }
    }

    /** Opens the outbox, creating its table when missing. */
    private Outbox openOutbox(String dataSourceName) {
        if (outboxSweepSeconds < 1) {
            throw new IllegalStateException("modstamp.pusher.outboxSweepSeconds must be at least 1, not " + outboxSweepSeconds);
        }
        try {
            Outbox outbox = new Outbox(dataSource(dataSourceName), dataSourceName, outboxTable.trim());
            outbox.createIfMissing();
            return outbox;
        } catch (SQLException | IllegalArgumentException e) {
            throw new IllegalStateException("modstamp.pusher.outbox=" + dataSourceName + ": cannot use the table "
                    + outboxTable + ": " + e.getMessage(), e);
        }
    }

    /** The DataSource bound at {@code name}; the message names the setting when there is none. */
    DataSource dataSource(String name) {
        try {
            Object found = new InitialContext().lookup(name);
            if (found instanceof DataSource dataSource) {
                return dataSource;
            }
            throw new IllegalStateException("modstamp.pusher.outbox: " + name + " is " + found + ", not a DataSource");
        } catch (NamingException e) {
            throw new IllegalStateException("modstamp.pusher.outbox: no DataSource at " + name, e);
        }
    }

    /**
     * Created at application start (an observer of the application context's start), so that the outbox's first
     * sweep sends what a crash left before any new push.
     */
    void started(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        LOG.fine(() -> "modstamp: pusher ready for " + targets + (relay == null ? "" : " with its outbox"));
    }

    /**
     * The application stops: sends what is still unconfirmed for at most {@code modstamp.pusher.shutdownWaitSeconds},
     * then logs, as a WARNING, every id it gives up with its value.
     */
    @PreDestroy
    void drain() {
        if (relay != null) {
            relay.stop();
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(shutdownWaitSeconds);
        try {
            dispatcher.drain(until);
            for (Map.Entry<String, TargetSender> sender : senders.entrySet()) {
                reportGivenUp(sender.getKey(), sender.getValue().drain(until));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warning(() -> "modstamp: the application stops; interrupted while sending what is unconfirmed");
        }
    }

    private void reportGivenUp(String target, Map<String, String> givenUp) {
        if (givenUp.isEmpty()) {
            return;
        }
        if (relay != null) {
            LOG.info(() -> "modstamp: the application stops; " + target + " did not confirm " + givenUp.keySet()
                    + " yet: they stay in the outbox and are sent after the next start");
        } else {
            LOG.warning(() -> "modstamp: the application stops; " + target + " did not confirm " + givenUp
                    + " within " + shutdownWaitSeconds + " s: these changes are not sent");
        }
    }

    /** Pushes one change (null or "" deletes the id). */
    public void push(String id, String value) {
        push(Collections.singletonMap(id, value));
    }

    /**
     * Pushes changes: after the current transaction commits, or at once outside a transaction or when the
     * transaction has committed already (an observer of {@code TransactionPhase.AFTER_SUCCESS}, say). Nothing
     * is sent for a transaction that is marked for rollback or rolling back. Ids and values are checked here,
     * so a mistake fails the caller, not the later delivery.
     */
    public void push(Map<String, String> changes) {
        Values.check(changes);
        Map<String, String> copy = new LinkedHashMap<>();
        changes.forEach((id, value) -> copy.put(id, value == null || value.isEmpty() ? null : value)); // "" deletes, as null
        if (transactions.getTransactionKey() == null) {
            afterItsTransaction(copy);
            return;
        }
        int status = transactions.getTransactionStatus();
        switch (status) {
            case Status.STATUS_ACTIVE -> inThisTransaction(copy);
            case Status.STATUS_MARKED_ROLLBACK, Status.STATUS_ROLLING_BACK, Status.STATUS_ROLLEDBACK ->
                    LOG.fine(() -> "modstamp: not pushing " + copy.keySet() + ": the transaction rolls back (status "
                            + status + ")");
            case Status.STATUS_COMMITTED -> afterItsTransaction(copy);
            default -> inThisTransactionOrNow(copy, status);
        }
    }

    /** Queues the changes for the commit; with an outbox, records them in it, in the caller's transaction. */
    private void inThisTransaction(Map<String, String> changes) {
        TransactionPushes pushes = TransactionPushes.ofCurrent(transactions, this::deliver, stats);
        long version = clock.next();
        if (relay != null) {
            try {
                relay.outbox().record(changes, version);
            } catch (SQLException e) {
                throw new IllegalStateException("modstamp: cannot record " + changes.keySet() + " in "
                        + relay.outbox() + " (modstamp.pusher.outbox): " + e.getMessage(), e);
            }
        }
        pushes.add(changes, version);
    }

    /**
     * Preparing, committing, or a status the registry does not tell: wait for the commit if a synchronization
     * can still be registered, else send now (the transaction is past its point of no return).
     */
    private void inThisTransactionOrNow(Map<String, String> changes, int status) {
        try {
            inThisTransaction(changes);
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "modstamp: the transaction (status " + status + ") takes no synchronization any "
                    + "more; pushing " + changes.keySet() + " now", e);
            afterItsTransaction(changes);
        }
    }

    /**
     * A push outside a transaction, or after its transaction committed: versioned now, so that it is newer than
     * what any transaction pushed before; with an outbox, recorded in a transaction of its own before it is
     * sent ({@link PushDispatcher}).
     */
    private void afterItsTransaction(Map<String, String> changes) {
        long version = clock.next();
        long now = System.nanoTime();
        Map<String, Versioned> versioned = new LinkedHashMap<>();
        changes.forEach((id, value) -> versioned.put(id, new Versioned(value, version, now, relay == null)));
        deliver(versioned);
    }

    /**
     * Pushes a value of {@code id} that differs from every earlier one, on every instance: a hybrid logical
     * time and this JVM's random node id ({@link HybridClock#fresh}, about 20 characters). Returns the value.
     */
    public String touch(String id) {
        String value = clock.fresh();
        push(id, value);
        return value;
    }

    /** Whether nothing is pending: every change handed over was confirmed or given up (for tests). */
    boolean idle() {
        return dispatcher.idle() && senders.values().stream().allMatch(TargetSender::idle);
    }

    public PusherStats.Snapshot stats() {
        return stats.snapshot();
    }

    /** Hands the changes to the dispatcher: the caller (the committing thread) never waits for the network. */
    private void deliver(Map<String, Versioned> changes) {
        if (changes.isEmpty()) {
            return;
        }
        stats.queued.addAndGet((long) changes.size() * targets.size());
        dispatcher.offer(changes);
    }

    private TargetSender sender(String target) throws ResourceException {
        TargetSender sender = senders.get(target);
        if (sender == null) {
            ModstampConnectionFactory factory = factories.get(target);
            sender = senders.computeIfAbsent(target, t -> new TargetSender(t, factory, Duration.ofSeconds(deadlineSeconds),
                    stats, executors, relay == null ? (name, id, change) -> { } : relay));
        }
        return sender;
    }
}
