package org.modstamp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;

import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.client.ModstampClient;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;
import org.modstamp.ra.inbound.ModstampActivation;
import org.modstamp.ra.inbound.ModstampActivationSpec;

/**
 * The adapter's delivery promise against a fake container (a real server and real sockets): every bean
 * eventually commits the latest value of every id, across rollbacks, throwing beans, a WorkManager that
 * drops Work, and a redeployment.
 */
class DeliveryGuaranteesTest {
    /** The loggers of the adapter's inbound side (the activation and its bean's delivery). */
    private static final String INBOUND = ModstampActivation.class.getPackageName();

    @TempDir
    Path stateDirectory;
    private RunningAdapter running;
    private ModstampResourceAdapter adapter;
    private ModstampClient producer;

    @BeforeEach
    void start() throws Exception {
        running = RunningAdapter.start(a -> a.setStateDirectory(stateDirectory.toString()));
        adapter = running.adapter;
        producer = running.producer;
    }

    @AfterEach
    void stop() throws Exception {
        running.close();
    }

    /** What a bean does with one attempt at a change. */
    enum Act { COMMIT, THROW, ROLLBACK_ONLY }

    /** A bean that records every attempt and acts as its policy says; the attempts that committed too. */
    private static final class Bean implements ModstampListener {
        final BlockingQueue<String> attempts = new LinkedBlockingQueue<>();
        final BlockingQueue<ModstampChange> committed = new LinkedBlockingQueue<>();
        private final java.util.function.Function<ModstampChange, Act> policy;

        Bean(java.util.function.Function<ModstampChange, Act> policy) {
            this.policy = policy;
        }

        @Override
        public void onModstampChange(ModstampChange change) {
            attempts.add(change.id() + "=" + change.value());
            switch (policy.apply(change)) {
                case THROW -> throw new IllegalStateException("the bean fails on " + change.value());
                case ROLLBACK_ONLY -> FakeContainer.setRollbackOnly();
                case COMMIT -> committed.add(change);
            }
        }

        /** The next committed change whose value passes {@code test}, skipping others; null after 5 s. */
        ModstampChange committedWhere(Predicate<ModstampChange> test) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                ModstampChange change = committed.poll(left, TimeUnit.NANOSECONDS);
                if (change != null && test.test(change)) {
                    return change;
                }
            }
            return null;
        }

        ModstampChange committedValue(String value) throws InterruptedException {
            return committedWhere(c -> value.equals(c.value()));
        }
    }

    /** Fails the first attempt at each value, commits the second. */
    private static java.util.function.Function<ModstampChange, Act> firstAttemptFails(Act failure) {
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return change -> seen.add(change.value()) ? failure : Act.COMMIT;
    }

    private ModstampActivationSpec spec(String ids) {
        ModstampActivationSpec spec = new ModstampActivationSpec();
        spec.setServer(running.address);
        spec.setModstamps(ids);
        spec.setInitialValues(ModstampActivationSpec.ALL); // the first delivery shows the bean listens
        return spec;
    }

    /**
     * Sets the spec's id to "0", activates {@code bean} for it, and waits until the bean committed that first
     * value: from then on it listens.
     */
    private MessageEndpointFactory activate(String name, Bean bean, boolean transacted, ModstampActivationSpec spec)
            throws Exception {
        producer.push(Map.of(spec.ids().get(0), "0"));
        MessageEndpointFactory factory = FakeContainer.endpoints(name, bean, transacted);
        adapter.endpointActivation(factory, spec);
        assertNotNull(bean.committedValue("0"), "the bean listens and committed the first value");
        return factory;
    }

    @Test
    void aTransactedBeanThatThrowsGetsTheChangeAgainAndCommitsIt() throws Exception {
        Bean bean = new Bean(firstAttemptFails(Act.THROW));
        activate("Thrower", bean, true, spec("tx"));
        producer.push(Map.of("tx", "1"));
        ModstampChange change = bean.committedValue("1");
        assertNotNull(change, "delivered again after the rollback, and committed");
        assertEquals("0", change.previousValue());
        assertEquals(List.of("tx=0", "tx=0", "tx=1", "tx=1"), List.copyOf(bean.attempts));
    }

    @Test
    void aTransactedBeanThatSetsRollbackOnlyGetsTheChangeAgain() throws Exception {
        Bean bean = new Bean(firstAttemptFails(Act.ROLLBACK_ONLY));
        activate("RollbackOnly", bean, true, spec("ro"));
        producer.push(Map.of("ro", "1"));
        assertNotNull(bean.committedValue("1"), "a rollback without an exception is seen through the XAResource");
        assertEquals(List.of("ro=0", "ro=0", "ro=1", "ro=1"), List.copyOf(bean.attempts));
    }

    @Test
    void eachDeliverysStagesAreLoggedAtFineWithItsOutcome() throws Exception {
        Bean bean = new Bean(firstAttemptFails(Act.ROLLBACK_ONLY));
        try (LogRecords log = new LogRecords(INBOUND)) {
            activate("Staged", bean, true, spec("st"));
            producer.push(Map.of("st", "1"));
            assertNotNull(bean.committedValue("1"));
            java.util.logging.LogRecord rolledBack = log.await("delivered st = 1 to ", 10);
            java.util.logging.LogRecord committed = log.await("delivered st = 1 to ", 10);
            assertTrue(rolledBack != null && rolledBack.getMessage().contains("(ROLLED_BACK)"),
                    "the attempt that rolled back is logged with its outcome");
            assertTrue(committed != null && committed.getMessage().contains("(COMMITTED)"),
                    "the attempt that committed is logged with its outcome");
            assertTrue(committed.getMessage().matches(
                    ".*stages in µs: queued -?\\d+, begun \\d+, bean \\d+, completed \\d+, outcome \\d+"),
                    committed.getMessage());
        }
    }

    @Test
    void aBeanWithoutATransactionThatThrowsGetsTheChangeAgain() throws Exception {
        Bean bean = new Bean(firstAttemptFails(Act.THROW));
        activate("Plain", bean, false, spec("nt"));
        producer.push(Map.of("nt", "1"));
        assertNotNull(bean.committedValue("1"));
        assertEquals(List.of("nt=0", "nt=0", "nt=1", "nt=1"), List.copyOf(bean.attempts));
    }

    @Test
    void aChangeIsGivenUpAfterMaxRedeliveriesAndLaterChangesStillArrive() throws Exception {
        Bean bean = new Bean(change -> "bad".equals(change.value()) ? Act.THROW : Act.COMMIT);
        ModstampActivationSpec spec = spec("lim");
        spec.setMaxRedeliveries(2);
        try (LogRecords log = new LogRecords(INBOUND)) {
            activate("Limited", bean, true, spec);
            producer.push(Map.of("lim", "bad"));
            var givenUp = log.await("giving it up", 10);
            assertNotNull(givenUp, "the SEVERE line that gives the change up");
            assertEquals(Level.SEVERE, givenUp.getLevel());
            assertTrue(givenUp.getMessage().contains("lim = bad"), givenUp.getMessage());
        }
        assertEquals(List.of("lim=0", "lim=bad", "lim=bad", "lim=bad"), List.copyOf(bean.attempts),
                "one delivery and two redeliveries");
        producer.push(Map.of("lim", "good"));
        assertNotNull(bean.committedValue("good"), "the bean goes on with later changes");
    }

    @Test
    void aFailedValueIsNotDeliveredAgainOnceANewerOneCame() throws Exception {
        CountDownLatch inFirstAttempt = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Bean bean = new Bean(change -> {
            if (!"old".equals(change.value())) {
                return Act.COMMIT;
            }
            inFirstAttempt.countDown();
            await(release);
            return Act.THROW;
        });
        try (LogRecords log = new LogRecords(INBOUND)) {
            activate("Newer", bean, true, spec("nw"));
            producer.push(Map.of("nw", "old"));
            assertTrue(inFirstAttempt.await(5, TimeUnit.SECONDS));
            producer.push(Map.of("nw", "new")); // arrives while the bean is busy failing on "old"
            assertNotNull(log.await("queued nw = new", 5), "the newer value waits behind the failing delivery");
            release.countDown();
            assertNotNull(bean.committedValue("new"));
            assertNotNull(log.await("not delivering nw = old", 5), "the retry of the older value was dropped");
        }
        assertEquals(List.of("nw=0", "nw=old", "nw=new"), List.copyOf(bean.attempts));
    }

    @Test
    void theFailuresOfAnOlderValueNeverCountAgainstTheNewerOne() throws Exception {
        CountDownLatch inFirstAttempt = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Bean bean = new Bean(change -> {
            if ("A".equals(change.value())) {
                inFirstAttempt.countDown();
                await(release);
                return Act.THROW;
            }
            return "B".equals(change.value()) ? Act.THROW : Act.COMMIT;
        });
        ModstampActivationSpec spec = spec("pv");
        spec.setMaxRedeliveries(1);
        try (LogRecords log = new LogRecords(INBOUND)) {
            activate("PerValue", bean, true, spec);
            producer.push(Map.of("pv", "A"));
            assertTrue(inFirstAttempt.await(5, TimeUnit.SECONDS));
            producer.push(Map.of("pv", "B")); // arrives while the bean is busy failing on A
            assertNotNull(log.await("queued pv = B", 5));
            release.countDown();
            var givenUp = log.await("giving it up", 10);
            assertNotNull(givenUp);
            assertTrue(givenUp.getMessage().contains("pv = B in 2 attempts"), givenUp.getMessage());
        }
        assertEquals(List.of("pv=0", "pv=A", "pv=B", "pv=B"), List.copyOf(bean.attempts),
                "B delivered once and once again: A's failure is A's");
    }

    @Test
    void aLateCommitOfTheLastDeliveryIsNeverTheOutcomeOfTheNextOne() throws Exception {
        java.util.concurrent.atomic.AtomicInteger attemptsAtTwo = new java.util.concurrent.atomic.AtomicInteger();
        Bean bean = new Bean(change -> "2".equals(change.value()) && attemptsAtTwo.getAndIncrement() == 0
                ? Act.ROLLBACK_ONLY : Act.COMMIT);
        ModstampActivationSpec spec = spec("lc");
        producer.push(Map.of("lc", "0"));
        adapter.endpointActivation(FakeContainer.endpoints("LateCommits", bean, true, true), spec);
        assertNotNull(bean.committedValue("0"));
        producer.push(Map.of("lc", "1"));
        assertNotNull(bean.committedValue("1")); // its commit reaches the resource late: at 2's rollback
        producer.push(Map.of("lc", "2"));
        assertNotNull(bean.committedValue("2"), "2 rolled back, so it is delivered again, and then commits");
        assertEquals(List.of("lc=0", "lc=1", "lc=2", "lc=2"), List.copyOf(bean.attempts));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void workThatTheWorkManagerDropsOrFailsIsScheduledAgain() throws Exception {
        Bean bean = new Bean(change -> Act.COMMIT);
        activate("Dropped", bean, false, spec("wd"));
        running.container.awaitRunningWorks(1); // the client's loop: no delivery Work lingers now
        running.container.toDrop.set(1); // the next delivery Work is dropped after it was accepted
        producer.push(Map.of("wd", "1"));
        assertNotNull(bean.committedValue("1"), "delivered by the Work scheduled again");
        assertEquals(0, running.container.toDrop.get(), "a Work was dropped");
        running.container.awaitRunningWorks(1);
        running.container.toFail.set(1); // the next one fails in the container before it runs
        producer.push(Map.of("wd", "2"));
        assertNotNull(bean.committedValue("2"), "delivered by the Work scheduled again");
        assertEquals(0, running.container.toFail.get(), "a Work was failed");
        producer.push(Map.of("wd", "3"));
        assertNotNull(bean.committedValue("3"), "and delivery goes on");
    }

    @Test
    void aClientLoopThatTheWorkManagerDropsIsScheduledAgain() throws Exception {
        running.container.toDrop.set(1); // the first Work is the loop of the client for this server
        Bean bean = new Bean(change -> Act.COMMIT);
        activate("LoopDropped", bean, false, spec("ld"));
        assertEquals(0, running.container.toDrop.get(), "the loop's first Work was dropped");
    }

    @Test
    void withResumeAChangeMadeWhileTheBeanWasUndeployedIsDeliveredAfterItsRedeployment() throws Exception {
        Bean first = new Bean(change -> Act.COMMIT);
        ModstampActivationSpec spec = spec("rs");
        spec.setResume(true);
        spec.setInitialValues(ModstampActivationSpec.CHANGES_ONLY); // with resume the first value is delivered anyway
        MessageEndpointFactory deployed = activate("Resumed", first, true, spec);
        producer.push(Map.of("rs", "1"));
        assertNotNull(first.committedValue("1"));
        adapter.endpointDeactivation(deployed, spec);
        try (var files = Files.list(stateDirectory)) {
            Path state = files.filter(f -> f.toString().endsWith(".properties")).findFirst().orElseThrow();
            assertTrue(Files.readString(state).contains("rs=1"), "the committed value is on disk: "
                    + Files.readString(state));
        }

        producer.push(Map.of("rs", "2")); // nobody listens now

        Bean second = new Bean(change -> Act.COMMIT);
        ModstampActivationSpec again = spec("rs");
        again.setResume(true);
        again.setInitialValues(ModstampActivationSpec.CHANGES_ONLY); // without resume, "2" would be the baseline
        adapter.endpointActivation(FakeContainer.endpoints("Resumed", second, true), again);
        ModstampChange change = second.committedValue("2");
        assertNotNull(change, "the change made while the bean was away");
        assertEquals("1", change.previousValue());
    }

    @Test
    void deactivationWaitsForTheBeanCodeThatRuns() throws Exception {
        CountDownLatch inBean = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Bean bean = new Bean(change -> {
            if ("slow".equals(change.value())) {
                inBean.countDown();
                await(release);
            }
            return Act.COMMIT;
        });
        ModstampActivationSpec spec = spec("dw");
        MessageEndpointFactory deployed = activate("Slow", bean, false, spec);
        producer.push(Map.of("dw", "slow"));
        assertTrue(inBean.await(5, TimeUnit.SECONDS));
        try (LogRecords log = new LogRecords(INBOUND)) {
            CompletableFuture<Void> deactivated = CompletableFuture.runAsync(
                    () -> adapter.endpointDeactivation(deployed, spec));
            assertNotNull(log.await("still processing a change", 10), "a WARNING names the bean it waits for");
            assertFalse(deactivated.isDone(), "deactivation has not returned while bean code runs");
            release.countDown();
            deactivated.get(5, TimeUnit.SECONDS);
        }
    }
}
