package org.modstamp.ee;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
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

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Resource
    ManagedExecutorService executor;

    private final ConnectionFactories factories = new ConnectionFactories();
    private final PusherStats stats = new PusherStats();
    private final ConcurrentLinkedQueue<Delivery> handoff = new ConcurrentLinkedQueue<>();
    private final Map<String, TargetSender> senders = new ConcurrentHashMap<>();
    private final AtomicBoolean dispatching = new AtomicBoolean();
    private List<String> targets;

    @PostConstruct
    void configure() {
        targets = Arrays.stream(connectionFactoryNames.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (targets.isEmpty()) {
            throw new IllegalStateException("modstamp.connectionFactories names no connection factory");
        }
    }

    /** Pushes one change (null or "" deletes the id). */
    public void push(String id, String value) {
        push(Collections.singletonMap(id, value));
    }

    /**
     * Pushes changes: after the current transaction commits, or at once outside a transaction. Ids and
     * values are checked here, so a mistake fails the caller, not the later delivery.
     */
    public void push(Map<String, String> changes) {
        Values.check(changes);
        if (transactions.getTransactionKey() == null) {
            deliver(new LinkedHashMap<>(changes), System.nanoTime());
            return;
        }
        int status = transactions.getTransactionStatus();
        if (status == Status.STATUS_ACTIVE) {
            pendingOfThisTransaction().putAll(changes);
        } else {
            // marked for rollback, or completing: these changes will never be committed
            LOG.fine(() -> "modstamp: not pushing " + changes.keySet() + ": the transaction will not commit (status "
                    + status + ")");
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
            transactions.putResource(PENDING, created);
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

    private void startDispatcher() {
        if (dispatching.compareAndSet(false, true)) {
            try {
                executor.execute(this::dispatch);
            } catch (RejectedExecutionException e) {
                dispatching.set(false);
                LOG.log(Level.WARNING, "modstamp: the executor refused the pusher's dispatcher; retried with the next push", e);
            }
        }
    }

    /** Passes queued deliveries to the senders, looking every 100 us; ends after DISPATCHER_LINGER without work. */
    private void dispatch() {
        try {
            long idleSince = System.nanoTime();
            while (System.nanoTime() - idleSince < DISPATCHER_LINGER.toNanos() && !Thread.currentThread().isInterrupted()) {
                Delivery delivery = handoff.poll();
                if (delivery == null) {
                    LockSupport.parkNanos(DISPATCHER_POLL_NANOS);
                    continue;
                }
                for (String target : targets) {
                    try {
                        sender(target).offer(delivery.changes(), delivery.committedAt(), executor);
                    } catch (ResourceException e) {
                        stats.failed.incrementAndGet();
                        LOG.log(Level.SEVERE, "modstamp: cannot push " + delivery.changes().keySet() + " to " + target, e);
                    }
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

    private TargetSender sender(String target) throws ResourceException {
        TargetSender sender = senders.get(target);
        if (sender == null) {
            ModstampConnectionFactory factory = factories.get(target);
            sender = senders.computeIfAbsent(target,
                    t -> new TargetSender(t, factory, Duration.ofSeconds(deadlineSeconds), stats));
        }
        return sender;
    }
}
