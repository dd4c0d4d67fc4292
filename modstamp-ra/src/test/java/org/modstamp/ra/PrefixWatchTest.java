package org.modstamp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;
import org.modstamp.ra.inbound.ModstampActivationSpec;

/**
 * A bean that watches a prefix ({@code modstamps = "jpa.Order.*"}) in the adapter, against the real server: every
 * change under it with its revision, redelivered after a rollback, and with resume what changed while the bean was
 * away, or a reset when its position cannot be caught up from.
 */
class PrefixWatchTest {
    @TempDir
    Path stateDirectory;
    private RunningAdapter running;

    @BeforeEach
    void start() throws Exception {
        running = RunningAdapter.start(a -> a.setStateDirectory(stateDirectory.toString()));
    }

    @AfterEach
    void stop() throws Exception {
        running.close();
    }

    /** A bean that commits every change (the first attempt at each rolls back when asked) and keeps them. */
    private static class Bean implements ModstampListener {
        final BlockingQueue<ModstampChange> committed = new LinkedBlockingQueue<>();
        final boolean rollBackFirst;
        private final java.util.Set<Long> tried = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Bean(boolean rollBackFirst) {
            this.rollBackFirst = rollBackFirst;
        }

        @Override
        public void onModstampChange(ModstampChange change) {
            if (rollBackFirst && tried.add(change.revision())) {
                FakeContainer.setRollbackOnly();
                return;
            }
            committed.add(change);
        }

        /** The committed changes, as id to value (the resets as "*"), until they pass {@code enough} (5 s at most). */
        Map<String, String> until(java.util.function.Predicate<Map<String, String>> enough) throws InterruptedException {
            Map<String, String> seen = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                ModstampChange c = committed.poll(left, TimeUnit.NANOSECONDS);
                if (c == null) {
                    break;
                }
                seen.put(c.reset() ? "*" : c.id(), c.value());
                if (enough.test(seen)) {
                    return seen;
                }
            }
            throw new AssertionError("not seen within 5 s; seen: " + seen);
        }
    }

    private ModstampActivationSpec spec(boolean resume) {
        ModstampActivationSpec spec = new ModstampActivationSpec();
        spec.setServer(running.address);
        spec.setModstamps("jpa.Order.*");
        spec.setResume(resume);
        return spec;
    }

    /** Activates the bean and pushes a marker under the prefix until the bean committed one: it watches. */
    private MessageEndpointFactory activate(String name, Bean bean, ModstampActivationSpec spec) throws Exception {
        MessageEndpointFactory factory = FakeContainer.endpoints(name, bean, true);
        running.adapter.endpointActivation(factory, spec);
        for (int i = 0; i < 50; i++) {
            running.producer.push(Map.of("jpa.Order.ready", name + i));
            ModstampChange c = bean.committed.poll(100, TimeUnit.MILLISECONDS);
            if (c != null) {
                bean.committed.clear();
                return factory;
            }
        }
        throw new AssertionError(name + " heard nothing under jpa.Order. within 5 s");
    }

    @Test
    void aWatchingBeanGetsEveryChangeUnderItsPrefixWithItsRevisionAndAgainAfterARollback() throws Exception {
        Bean bean = new Bean(true);
        activate("Watcher", bean, spec(false));
        running.producer.push(Map.of("jpa.Customer.1", "not this"));
        running.producer.push(Map.of("jpa.Order.7", "paid"));
        ModstampChange change = bean.committed.poll(5, TimeUnit.SECONDS);
        while (change != null && change.id().equals("jpa.Order.ready")) { // a marker of activate() that came late
            change = bean.committed.poll(5, TimeUnit.SECONDS);
        }
        assertNotNull(change, "delivered again after the rollback, then committed");
        assertEquals("jpa.Order.7", change.id());
        assertEquals("paid", change.value());
        assertTrue(change.revision() > 0, "with its revision: " + change.revision());
        assertFalse(change.reset());
        assertTrue(change.isUnder("jpa.Order.*"));
        ModstampChange more = bean.committed.poll(300, TimeUnit.MILLISECONDS);
        assertTrue(more == null || more.id().startsWith("jpa.Order."), "nothing of another prefix: " + more);
    }

    @Test
    void withResumeWhatChangedWhileTheBeanWasAwayIsDeliveredAndAPositionOfAnotherStoreIsAReset() throws Exception {
        Bean first = new Bean(false);
        ModstampActivationSpec spec = spec(true);
        MessageEndpointFactory deployed = activate("Resumed", first, spec);
        running.producer.push(Map.of("jpa.Order.1", "a"));
        first.until(seen -> "a".equals(seen.get("jpa.Order.1")));
        running.adapter.endpointDeactivation(deployed, spec);
        Path state;
        try (var files = Files.list(stateDirectory)) {
            state = files.filter(f -> f.toString().endsWith(".properties")).findFirst().orElseThrow();
        }
        String kept = Files.readString(state);
        assertTrue(kept.contains("jpa.Order.*="), "the bean's position is on disk: " + kept);
        assertFalse(kept.contains("jpa.Order.1="), "not a value per id under the prefix: " + kept);

        running.producer.push(Map.of("jpa.Order.1", "b")); // nobody watches now
        running.producer.push(Map.of("jpa.Order.2", "c"));
        running.producer.push(Map.of("jpa.Order.1", "d"));

        Bean second = new Bean(false);
        ModstampActivationSpec secondSpec = spec(true);
        MessageEndpointFactory redeployed = FakeContainer.endpoints("Resumed", second, true);
        running.adapter.endpointActivation(redeployed, secondSpec);
        Map<String, String> delivered = second.until(seen -> "d".equals(seen.get("jpa.Order.1"))
                && "c".equals(seen.get("jpa.Order.2")));
        assertEquals("d", delivered.get("jpa.Order.1"), "the latest of each id changed meanwhile: " + delivered);
        assertEquals("c", delivered.get("jpa.Order.2"), delivered.toString());
        assertFalse(delivered.containsKey("*"), "no reset: the server's log holds them");
        running.adapter.endpointDeactivation(redeployed, secondSpec);

        java.util.Properties stored = new java.util.Properties();
        try (var in = Files.newBufferedReader(state)) {
            stored.load(in);
        }
        org.modstamp.wire.Watches.Position had = org.modstamp.wire.Watches.Position.parse(stored.getProperty("jpa.Order.*"));
        stored.setProperty("jpa.Order.*", new org.modstamp.wire.Watches.Position(had.epoch() ^ 0xff, had.revision()).text());
        try (var out = Files.newBufferedWriter(state)) {
            stored.store(out, "another store's position");
        }
        Bean third = new Bean(false);
        running.adapter.endpointActivation(FakeContainer.endpoints("Resumed", third, true), spec(true));
        ModstampChange first3 = third.committed.poll(5, TimeUnit.SECONDS);
        assertNotNull(first3, "a reset is delivered");
        assertTrue(first3.reset(), first3.toString());
        assertEquals("jpa.Order.*", first3.id());
        assertEquals(null, first3.value());
    }

    /**
     * Undeploying while changes wait in the bean's queue drops them; the position kept must not pass them, or the
     * next activation would never deliver them. The bean holds its first delivery until the queue is full and the
     * watch's position has moved past it (more than 1,000 changes told make the watch ask at once), then the bean is
     * undeployed, and released.
     */
    @Test
    void changesDroppedByAnUndeployAreDeliveredAfterTheRedeployment() throws Exception {
        HoldingBean first = new HoldingBean();
        ModstampActivationSpec spec = spec(true);
        MessageEndpointFactory deployed = activate("Dropped", first, spec);
        first.holding.set(true);
        running.producer.push(Map.of("jpa.Order.held", "h"));
        assertTrue(first.entered.await(5, TimeUnit.SECONDS), "the bean holds its delivery");
        Map<String, String> queued = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 1_100; i++) {
            queued.put("jpa.Order.q" + i, "v" + i);
        }
        running.producer.push(queued); // told while the bean is busy: queued, and the watch asks at once
        Thread.sleep(1_000); // its answer moves the position past them
        Thread undeploy = new Thread(() -> running.adapter.endpointDeactivation(deployed, spec));
        undeploy.start();
        Thread.sleep(300); // the queue is dropped; the delivery in hand still runs
        first.release.countDown();
        undeploy.join(10_000);

        HoldingBean second = new HoldingBean(); // the same class: the same bean, resumed
        running.adapter.endpointActivation(FakeContainer.endpoints("Dropped", second, true), spec(true));
        Map<String, String> delivered = second.until(seen -> seen.keySet().containsAll(queued.keySet()));
        for (Map.Entry<String, String> e : queued.entrySet()) {
            assertEquals(e.getValue(), delivered.get(e.getKey()), e.getKey());
        }
    }

    /** A bean that, once {@code holding}, holds its delivery of {@code jpa.Order.held} until released. */
    private static final class HoldingBean extends Bean {
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicBoolean holding = new java.util.concurrent.atomic.AtomicBoolean();

        HoldingBean() {
            super(false);
        }

        @Override
        public void onModstampChange(ModstampChange change) {
            if (holding.get() && change.id().equals("jpa.Order.held")) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.onModstampChange(change);
        }
    }
}
