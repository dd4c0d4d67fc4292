package org.modstamp.ee;

import java.time.Duration;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
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
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.modstamp.client.Values;
import org.modstamp.ra.api.ModstampConnectionFactory;

/**
 * Pushes changes when the data they announce is visible: inside a JTA transaction, after it commits (the
 * last value of an id wins; nothing on rollback); outside one, at once. Sending is asynchronous (a
 * ManagedExecutorService task, never the committing thread) and retried until every configured server
 * confirmed each change (one sender per target, which keeps only the latest unconfirmed value of an id, so an
 * older value is never resent after a newer one), or {@code modstamp.pusher.deadlineSeconds} passed; failures
 * are logged and counted
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
    private static final Object PENDING = new Object();
    private static final Duration DISPATCHER_LINGER = Duration.ofSeconds(2);
    private static final long DISPATCHER_POLL_NANOS = 100_000;

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
    private final PusherStats stats = new PusherStats();
    private final ConcurrentLinkedQueue<Delivery> handoff = new ConcurrentLinkedQueue<>();
    private final Map<String, TargetSender> senders = new ConcurrentHashMap<>();
    private final AtomicBoolean dispatching = new AtomicBoolean();
    /** Set when the application stops: the dispatcher ends, and the drain hands over what it left. */
    private volatile boolean closing;
    private final TaskRunner runner = new TaskRunner() {
        @Override
        public void run(Runnable task) {
            executor.execute(task);
        }

        @Override
        public void later(Duration delay, Runnable task) {
            scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    };
    private List<String> targets;
    /** The transactional outbox, null without one. */
    private Outbox outbox;
    private TargetSender.Confirmations confirmations = (target, id, version) -> { };
    private ScheduledFuture<?> sweeping;

    @PostConstruct
    void configure() {
        targets = Arrays.stream(connectionFactoryNames.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .distinct().toList();
        if (targets.isEmpty()) {
            throw new IllegalStateException("modstamp.connectionFactories names no connection factory");
        }
        if (deadlineSeconds < 1 || shutdownWaitSeconds < 0) {
            throw new IllegalStateException("modstamp.pusher.deadlineSeconds must be at least 1 (not " + deadlineSeconds
                    + ") and modstamp.pusher.shutdownWaitSeconds at least 0 (not " + shutdownWaitSeconds + ")");
        }
        if (!outboxDataSource.isBlank()) {
            openOutbox(outboxDataSource.trim());
        }
    }

    /** Opens the outbox, creating its table when missing, and starts sweeping it (at once: a crash may have left rows). */
    private void openOutbox(String dataSourceName) {
        if (outboxSweepSeconds < 1) {
            throw new IllegalStateException("modstamp.pusher.outboxSweepSeconds must be at least 1, not " + outboxSweepSeconds);
        }
        try {
            outbox = new Outbox(dataSource(dataSourceName), outboxTable.trim());
            outbox.createIfMissing();
        } catch (SQLException | IllegalArgumentException e) {
            throw new IllegalStateException("modstamp.pusher.outbox=" + dataSourceName + ": cannot use the table "
                    + outboxTable + ": " + e.getMessage(), e);
        }
        confirmations = new OutboxConfirmations(outbox, targets, this::offerLeftOver);
        sweeping = scheduler.scheduleWithFixedDelay(this::sweep, 0, outboxSweepSeconds, TimeUnit.SECONDS);
        LOG.info(() -> "modstamp: the pusher keeps its changes in the outbox " + outbox.table() + " of "
                + dataSourceName);
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
        LOG.fine(() -> "modstamp: pusher ready for " + targets + (outbox == null ? "" : " with its outbox"));
    }

    /** Sends every outbox row no target confirmed yet (left by a crash, a lost confirmation, or a deadline). */
    private void sweep() {
        try {
            List<Outbox.Row> rows = outbox.unconfirmed();
            rows.forEach(this::offerLeftOver);
            if (!rows.isEmpty()) {
                LOG.fine(() -> "modstamp: the outbox sweep sends " + rows.size() + " unconfirmed changes");
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "modstamp: the outbox sweep failed; trying again in " + outboxSweepSeconds + " s", e);
        }
    }

    /** Sends an outbox row to every target (one that cannot be reached does not hold up the others). */
    private void offerLeftOver(Outbox.Row row) {
        long now = System.nanoTime();
        for (String target : targets) {
            try {
                sender(target).offerLeftOver(row.id(), row.value(), row.version(), now);
            } catch (ResourceException | RuntimeException e) {
                LOG.log(Level.WARNING, "modstamp: cannot send " + row.id() + " from the outbox to " + target, e);
            }
        }
    }

    /**
     * The application stops: sends what is still unconfirmed for at most {@code modstamp.pusher.shutdownWaitSeconds},
     * then logs, as a WARNING, every id it gives up with its value.
     */
    @PreDestroy
    void drain() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(shutdownWaitSeconds);
        closing = true;
        while (dispatching.get() && System.nanoTime() - until < 0) { // it may hold a delivery it took
            LockSupport.parkNanos(DISPATCHER_POLL_NANOS);
        }
        dispatchQueued();
        senders.forEach((target, sender) -> {
            Map<String, String> givenUp = sender.drain(until);
            if (givenUp.isEmpty()) {
                return;
            }
            if (outbox != null) {
                LOG.info(() -> "modstamp: the application stops; " + target + " did not confirm " + givenUp.keySet()
                        + " yet: they stay in the outbox and are sent after the next start");
            } else {
                LOG.warning(() -> "modstamp: the application stops; " + target + " did not confirm " + givenUp
                        + " within " + shutdownWaitSeconds + " s: these changes are not sent");
            }
        });
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
            deliver(copy, System.nanoTime(), recordOutsideATransaction(copy));
            return;
        }
        int status = transactions.getTransactionStatus();
        switch (status) {
            case Status.STATUS_ACTIVE -> afterThisTransaction(copy);
            case Status.STATUS_MARKED_ROLLBACK, Status.STATUS_ROLLING_BACK, Status.STATUS_ROLLEDBACK ->
                    LOG.fine(() -> "modstamp: not pushing " + copy.keySet() + ": the transaction rolls back (status "
                            + status + ")");
            case Status.STATUS_COMMITTED -> deliver(copy, System.nanoTime(), 0);
            default -> afterThisTransactionOrNow(copy, status);
        }
    }

    /** Queues the changes for the commit; with an outbox, records them in it, in the caller's transaction. */
    private void afterThisTransaction(Map<String, String> changes) {
        TransactionChanges pending = pendingOfThisTransaction();
        if (outbox != null) {
            try {
                outbox.record(changes, pending.version);
            } catch (SQLException e) {
                throw new IllegalStateException("modstamp: cannot record " + changes.keySet() + " in the outbox "
                        + outbox.table() + " (modstamp.pusher.outbox=" + outboxDataSource.trim() + "): "
                        + e.getMessage(), e);
            }
        }
        pending.values.putAll(changes);
    }

    /** With an outbox, a push outside a transaction is recorded on its own first (best effort); its version, or 0. */
    private long recordOutsideATransaction(Map<String, String> changes) {
        if (outbox == null) {
            return 0;
        }
        long version = FreshValues.nextMicros();
        try {
            outbox.record(changes, version);
            return version;
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "modstamp: cannot record " + changes.keySet() + " in the outbox; sending them "
                    + "without it", e);
            return 0;
        }
    }

    /**
     * Preparing, committing, or a status the registry does not tell: wait for the commit if a synchronization
     * can still be registered, else send now (the transaction is past its point of no return).
     */
    private void afterThisTransactionOrNow(Map<String, String> changes, int status) {
        try {
            afterThisTransaction(changes);
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "modstamp: the transaction (status " + status + ") takes no synchronization any "
                    + "more; pushing " + changes.keySet() + " now", e);
            deliver(changes, System.nanoTime(), 0);
        }
    }

    /**
     * Pushes a value of {@code id} that differs from every earlier one: the time in microseconds since the
     * epoch, kept increasing within this JVM. Returns the value.
     */
    public String touch(String id) {
        String value = FreshValues.next();
        push(id, value);
        return value;
    }

    public PusherStats.Snapshot stats() {
        return stats.snapshot();
    }

    /** What one transaction pushed: the last value of each id, and its outbox version. */
    private static final class TransactionChanges {
        final Map<String, String> values = new LinkedHashMap<>();
        final long version = FreshValues.nextMicros();
    }

    private TransactionChanges pendingOfThisTransaction() {
        TransactionChanges pending = (TransactionChanges) transactions.getResource(PENDING);
        if (pending == null) {
            TransactionChanges created = new TransactionChanges();
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    long start = System.nanoTime();
                    if (status == Status.STATUS_COMMITTED) {
                        deliver(created.values, start, outbox == null ? 0 : created.version);
                    }
                    stats.committingThreadSpent(System.nanoTime() - start);
                }
            });
            transactions.putResource(PENDING, created);
            pending = created;
        }
        return pending;
    }

    /**
     * Hands the changes over: the caller (the committing thread) only adds to a lock-free queue (no system
     * call, no thread wake-up); a dispatcher on a managed thread passes them to each target's sender.
     */
    private void deliver(Map<String, String> changes, long committedAt, long version) {
        if (changes.isEmpty()) {
            return;
        }
        stats.queued.addAndGet((long) changes.size() * targets.size());
        handoff.add(new Delivery(changes, committedAt, version));
        startDispatcher();
    }

    private record Delivery(Map<String, String> changes, long committedAt, long version) {
    }

    /** Starts the dispatcher unless it runs; if the executor refuses it, tries again a second later. */
    private void startDispatcher() {
        if (dispatching.compareAndSet(false, true)) {
            try {
                runner.runOrRetry(this::dispatch, TargetSender.RETRY);
            } catch (RejectedExecutionException e) {
                dispatching.set(false);
                LOG.log(Level.SEVERE, "modstamp: neither the executor nor the scheduler takes the pusher's "
                        + "dispatcher; the changes wait for the next push", e);
            }
        }
    }

    /** Passes queued deliveries to the senders, looking every 100 us; ends after DISPATCHER_LINGER without work. */
    private void dispatch() {
        try {
            long idleSince = System.nanoTime();
            while (System.nanoTime() - idleSince < DISPATCHER_LINGER.toNanos() && !closing
                    && !Thread.currentThread().isInterrupted()) {
                if (!dispatchQueued()) {
                    LockSupport.parkNanos(DISPATCHER_POLL_NANOS);
                    continue;
                }
                idleSince = System.nanoTime();
            }
        } finally {
            dispatching.set(false);
            if (!handoff.isEmpty() && !closing) {
                startDispatcher();
            }
        }
    }

    /** Passes every queued delivery to the senders; false when there was none. */
    private boolean dispatchQueued() {
        boolean any = false;
        for (Delivery delivery; (delivery = handoff.poll()) != null; ) {
            any = true;
            for (String target : targets) {
                try {
                    sender(target).offer(delivery.changes(), delivery.committedAt(), delivery.version());
                } catch (ResourceException e) {
                    stats.failed.incrementAndGet();
                    LOG.log(Level.SEVERE, "modstamp: cannot push " + delivery.changes().keySet() + " to " + target, e);
                }
            }
        }
        return any;
    }

    private TargetSender sender(String target) throws ResourceException {
        TargetSender sender = senders.get(target);
        if (sender == null) {
            ModstampConnectionFactory factory = factories.get(target);
            sender = senders.computeIfAbsent(target,
                    t -> new TargetSender(t, factory, Duration.ofSeconds(deadlineSeconds), stats, runner, confirmations));
        }
        return sender;
    }
}
