package org.modstamp.ee;

import java.time.Duration;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
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

    @PostConstruct
    void configure() {
        targets = Arrays.stream(connectionFactoryNames.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (targets.isEmpty()) {
            throw new IllegalStateException("modstamp.connectionFactories names no connection factory");
        }
        if (deadlineSeconds < 1 || shutdownWaitSeconds < 0) {
            throw new IllegalStateException("modstamp.pusher.deadlineSeconds must be at least 1 (not " + deadlineSeconds
                    + ") and modstamp.pusher.shutdownWaitSeconds at least 0 (not " + shutdownWaitSeconds + ")");
        }
    }

    /**
     * The application stops: sends what is still unconfirmed for at most {@code modstamp.pusher.shutdownWaitSeconds},
     * then logs, as a WARNING, every id it gives up with its value.
     */
    @PreDestroy
    void drain() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(shutdownWaitSeconds);
        dispatchQueued();
        senders.forEach((target, sender) -> {
            Map<String, String> givenUp = sender.drain(until);
            if (!givenUp.isEmpty()) {
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
        Map<String, String> copy = new LinkedHashMap<>(changes);
        if (transactions.getTransactionKey() == null) {
            deliver(copy, System.nanoTime());
            return;
        }
        int status = transactions.getTransactionStatus();
        switch (status) {
            case Status.STATUS_ACTIVE -> pendingOfThisTransaction().putAll(copy);
            case Status.STATUS_MARKED_ROLLBACK, Status.STATUS_ROLLING_BACK, Status.STATUS_ROLLEDBACK ->
                    LOG.fine(() -> "modstamp: not pushing " + copy.keySet() + ": the transaction rolls back (status "
                            + status + ")");
            case Status.STATUS_COMMITTED -> deliver(copy, System.nanoTime());
            default -> afterThisTransactionOrNow(copy, status);
        }
    }

    /**
     * Preparing, committing, or a status the registry does not tell: wait for the commit if a synchronization
     * can still be registered, else send now (the transaction is past its point of no return).
     */
    private void afterThisTransactionOrNow(Map<String, String> changes, int status) {
        try {
            pendingOfThisTransaction().putAll(changes);
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "modstamp: the transaction (status " + status + ") takes no synchronization any "
                    + "more; pushing " + changes.keySet() + " now", e);
            deliver(changes, System.nanoTime());
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

    @SuppressWarnings("unchecked")
    private Map<String, String> pendingOfThisTransaction() {
        Map<String, String> pending = (Map<String, String>) transactions.getResource(PENDING);
        if (pending == null) {
            Map<String, String> created = new LinkedHashMap<>();
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    long start = System.nanoTime();
                    if (status == Status.STATUS_COMMITTED) {
                        deliver(created, start);
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
    private void deliver(Map<String, String> changes, long committedAt) {
        if (changes.isEmpty()) {
            return;
        }
        stats.queued.addAndGet((long) changes.size() * targets.size());
        handoff.add(new Delivery(changes, committedAt));
        startDispatcher();
    }

    private record Delivery(Map<String, String> changes, long committedAt) {
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
            while (System.nanoTime() - idleSince < DISPATCHER_LINGER.toNanos() && !Thread.currentThread().isInterrupted()) {
                if (!dispatchQueued()) {
                    LockSupport.parkNanos(DISPATCHER_POLL_NANOS);
                    continue;
                }
                idleSince = System.nanoTime();
            }
        } finally {
            dispatching.set(false);
            if (!handoff.isEmpty()) {
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
                    sender(target).offer(delivery.changes(), delivery.committedAt());
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
                    t -> new TargetSender(t, factory, Duration.ofSeconds(deadlineSeconds), stats, runner));
        }
        return sender;
    }
}
