package org.modstamp.example.jpacache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.modstamp.client.Listening;
import org.modstamp.client.ModstampClient;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.testing.PostgresProcess;

/**
 * The example for real: one modstamp server in the test JVM, a private PostgreSQL server, three Payara Micro
 * processes of the example sharing both. A and B evict on {@code jpa.Greeting} and watch {@code jpa.Setting.*}; C is
 * A with eviction turned off
 * (its bean listens to an id nobody pushes). Each reads and caches, B commits a change, and A's next reads return
 * the new value, while C keeps serving the cached, stale one.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TwoInstancesIT {
    private static final Path BUILD = Path.of(System.getProperty("jpacache.build", "target"));
    private static final Path WAR = Path.of(System.getProperty("jpacache.war", "target/jpa-cache.war"));
    private static final String GREETINGS = "/jpa-cache/api/greetings/";
    private static final String SETTINGS = "/jpa-cache/api/settings/";
    private static final Duration CONVERGENCE_LIMIT = Duration.ofSeconds(10);
    private static final int CHANGES = 300;
    private static final int WARM_UP = 2000;
    /** How long the probe waits before it reads A's eviction stamp, and between reads. */
    private static final long PROBE_PAUSE_NANOS = 10_000_000;
    private static final int BURST = 1000;

    private static PostgresProcess database;
    private static ModstampServer modstamp;
    private static PayaraMicro a;
    private static PayaraMicro b;
    private static PayaraMicro c;

    @BeforeAll
    static void start() throws Exception {
        database = PostgresProcess.start(true);
        modstamp = ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)),
                new MemoryValueStore());
        Map<String, String> settings = Map.of("jpacache.db.url", "jdbc:postgresql://127.0.0.1:" + database.port()
                + "/postgres", "jpacache.db.user", "modstamp", "jpacache.db.password", "unused-with-trust",
                "modstamp.server", "127.0.0.1:" + modstamp.port());
        try {
            // A and B with the bean's default ids (jpa.Greeting)
            a = PayaraMicro.start("a", BUILD, WAR, settings);
            b = PayaraMicro.start("b", BUILD, WAR, settings);
            Map<String, String> withoutEviction = new HashMap<>(settings);
            withoutEviction.put("jpacache.evict", "jpacache.evictionOff");
            c = PayaraMicro.start("c", BUILD, WAR, withoutEviction);
            for (PayaraMicro instance : List.of(a, b, c)) {
                instance.awaitReady(GREETINGS + "0");
            }
            awaitListeners("jpa.Greeting", 2);
            awaitListeners("jpa.Setting.*", 2);
            awaitListeners("jpacache.evictionOff", 1);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : Arrays.asList(a, b, c, modstamp, database)) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void aChangeCommittedInBIsWhatAReadsNextAndCWithoutEvictionServesTheStaleValue() throws Exception {
        assertEquals(204, b.put(GREETINGS + "1", "hello").statusCode());
        assertEquals("hello", awaitText(a, GREETINGS + 1, "hello"), "A reads what B committed");
        assertEquals("hello", awaitText(c, GREETINGS + 1, "hello"), "C reads it too, and caches it");

        assertEquals(204, b.put(GREETINGS + "1", "bonjour").statusCode());
        assertEquals("bonjour", awaitText(a, GREETINGS + 1, "bonjour"), "A no longer serves the entry B changed");
        // by now A was told and evicted; C was told nothing: it serves its cached entry, not the database's
        assertEquals("hello", text(c, GREETINGS + 1), "C, without eviction, serves the stale value");
        assertEquals("bonjour", text(b, GREETINGS + 1));
    }

    /**
     * Settings are announced per instance (their listener comes from orm.xml); A and B watch {@code jpa.Setting.*}:
     * a setting that changed is evicted, and not the whole type. The proof: the limit is changed in the database
     * behind JPA's back (nothing announced), and A keeps serving its cached one after evicting motd.
     */
    @Test
    void aWatchOfThePrefixEvictsTheInstanceThatChangedAndNotTheType() throws Exception {
        assertEquals(204, b.put(SETTINGS + "motd", "m1").statusCode());
        assertEquals(204, b.put(SETTINGS + "limit", "l1").statusCode());
        assertEquals("m1", awaitText(a, SETTINGS + "motd", "m1"));
        assertEquals("l1", awaitText(a, SETTINGS + "limit", "l1"), "A reads and caches both");

        database.psql("UPDATE setting SET text = 'l2' WHERE name = 'limit'"); // no listener runs: nothing announced
        assertEquals(204, b.put(SETTINGS + "motd", "m2").statusCode());
        assertEquals("m2", awaitText(a, SETTINGS + "motd", "m2"), "jpa.Setting.motd evicted the setting motd");
        assertEquals("l1", text(a, SETTINGS + "limit"), "and only it: A still serves its cached limit");
        assertEquals("l2", text(c, SETTINGS + "limit"), "C, which never read it, reads the database's");
    }

    /**
     * Over {@value #CHANGES} sequential commits in B, after {@value #WARM_UP} untimed ones (the JIT of four JVMs: with
     * 200, p50 and p99 read about 1.5 times higher): from
     * B's commit (just before the database commit) until A evicted. A stamps that itself, after evicting; the probe
     * waits until a plain client in this JVM heard of the change, then reads A's stamp, so that its reads take
     * little CPU from the delivery they time. Printed, not asserted. Then a burst of {@value #BURST} commits in B at
     * up to 1,000 a second: A evicts at most once per commit (no eviction storm) and ends with the last value.
     */
    @Test
    void timeFromBsCommitUntilANoLongerServesTheOldEntry() throws Exception {
        // for where the time goes: when a plain client in this JVM hears of each change (no application server)
        AtomicLong heardAt = new AtomicLong();
        try (ModstampClient client = ModstampClient.open("127.0.0.1:" + modstamp.port());
             Listening listening = client.listen(Collections.singletonMap("jpa.Greeting", null),
                     (id, value) -> heardAt.set(System.nanoTime()))) {
            awaitListeners("jpa.Greeting", 3);
            assertEquals(204, b.put(GREETINGS + "2", "v0").statusCode());
            awaitText(a, GREETINGS + 2, "v0");
            timeChanges(WARM_UP, heardAt);
            long[][] timed = timeChanges(CHANGES, heardAt);
            System.out.printf("jpa-cache: %d changes committed in B (after %d untimed); from just before B's database "
                    + "commit until A evicted: %s; until a plain client in the test JVM heard of it: %s; the database "
                    + "commit itself: %s; from the end of B's commit until A evicted: %s; B's PUT round trip, for "
                    + "scale: %s%n", CHANGES, WARM_UP, percentiles(timed[0]), percentiles(timed[1]),
                    percentiles(timed[3]), percentiles(timed[4]), percentiles(timed[2]));
        }
        burst();
    }

    /**
     * {@code changes} sequential commits in B: nanoseconds until A evicted, until the client heard, B's PUT, the
     * database commit's own time (all from just before the database commit), and until A evicted from its end.
     */
    private long[][] timeChanges(int changes, AtomicLong heardAt) throws Exception {
        long[][] timed = new long[5][changes];
        for (int n = 0; n < changes; n++) {
            String value = "v" + System.nanoTime();
            long putAt = System.nanoTime();
            HttpResponse<String> committed = b.put(GREETINGS + "2", value);
            timed[2][n] = System.nanoTime() - putAt;
            assertEquals(204, committed.statusCode(), committed.body());
            long commitAt = nanos(committed, "X-Nano-Time");
            long committedAt = nanos(committed, "X-Committed-Nano-Time");
            timed[3][n] = committedAt - commitAt;
            long deadline = System.nanoTime() + CONVERGENCE_LIMIT.toNanos();
            while (heardAt.get() < commitAt && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000);
            }
            timed[1][n] = heardAt.get() - commitAt;
            LockSupport.parkNanos(PROBE_PAUSE_NANOS); // A stamps its eviction itself: no read competes with it
            while (true) {
                HttpResponse<String> response = a.get(GREETINGS + "2");
                // fresh, and the eviction's stamp (set just after it) is there: both on the machine's one clock
                if (value.equals(response.body()) && nanos(response, "X-Evicted-Nano-Time") > commitAt) {
                    timed[0][n] = nanos(response, "X-Evicted-Nano-Time") - commitAt;
                    timed[4][n] = nanos(response, "X-Evicted-Nano-Time") - committedAt;
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("A serves " + response.body() + " (last eviction at "
                            + nanos(response, "X-Evicted-Nano-Time") + ") " + CONVERGENCE_LIMIT + " after B committed "
                            + value + " (at " + commitAt + ")");
                }
                LockSupport.parkNanos(PROBE_PAUSE_NANOS);
            }
        }
        return timed;
    }

    /**
     * {@value #BURST} commits at up to 1,000 a second from 8 threads, each changing a greeting of its own; then, as B
     * alone does not reach 1,000 commits a second on a small machine, {@value #BURST} changes of {@code jpa.Greeting}
     * at 1,000 a second from a plain client, as other instances' commits would announce them. Either way A evicts at
     * most once per change.
     */
    private void burst() throws Exception {
        int threads = 8;
        long evictionsBefore = evictionsInA();
        HttpResponse<String> done = b.post(GREETINGS + "10/changes?count=" + BURST + "&perSecond=1000&threads=" + threads);
        assertEquals(200, done.statusCode(), done.body());
        for (int t = 0; t < threads; t++) {
            String last = "change" + BURST / threads;
            assertEquals(last, awaitText(a, GREETINGS + (10 + t), last), "A ends with the last value of each greeting");
        }
        long evictions = evictionsInA() - evictionsBefore;
        System.out.printf("jpa-cache: a burst of %d commits in B (%s/s from %d threads, paced at up to 1,000/s): %d "
                + "evictions in A%n", BURST, done.body(), threads, evictions);
        assertTrue(evictions <= BURST, evictions + " evictions for " + BURST + " commits");

        long before = evictionsInA();
        long start = System.nanoTime();
        double perSecond;
        try (ModstampClient announcer = ModstampClient.open("127.0.0.1:" + modstamp.port())) {
            List<CompletableFuture<Map<String, String>>> confirmed = new ArrayList<>();
            for (int n = 1; n <= BURST; n++) { // paced without waiting for each M, as independent committers would
                LockSupport.parkNanos(start + n * 1_000_000L - System.nanoTime());
                confirmed.add(announcer.pushAsync(Collections.singletonMap("jpa.Greeting", "announced" + n)));
            }
            perSecond = BURST / ((System.nanoTime() - start) / 1e9);
            CompletableFuture.allOf(confirmed.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        // the latest value always reaches the bean, and nothing comes after it: then the count is final
        String last = "announced" + BURST;
        long deadline = System.nanoTime() + CONVERGENCE_LIMIT.toNanos();
        while (!last.equals(a.get(GREETINGS + "2").headers().firstValue("X-Evicted-Value").orElse(""))) {
            assertTrue(System.nanoTime() < deadline, "A did not evict for " + last + " within " + CONVERGENCE_LIMIT);
            Thread.sleep(5);
        }
        long announced = evictionsInA() - before;
        System.out.printf("jpa-cache: %d changes of jpa.Greeting announced at %.0f/s: %d evictions in A%n", BURST,
                perSecond, announced);
        assertTrue(announced >= 1 && announced <= BURST, announced + " evictions for " + BURST + " changes");
    }

    private static long evictionsInA() throws Exception {
        return nanos(a.get(GREETINGS + "2"), "X-Evictions");
    }

    private static long nanos(HttpResponse<String> response, String header) {
        return Long.parseLong(response.headers().firstValue(header).orElseThrow(() -> new AssertionError(
                "no " + header + " in " + response)));
    }

    private static String percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms", sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static String text(PayaraMicro instance, String path) throws Exception {
        HttpResponse<String> response = instance.get(path);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** Reads until the instance serves {@code expected} or the limit passed; what it served last. */
    private static String awaitText(PayaraMicro instance, String path, String expected) throws Exception {
        long deadline = System.nanoTime() + CONVERGENCE_LIMIT.toNanos();
        String last;
        do {
            HttpResponse<String> response = instance.get(path);
            last = response.statusCode() == 200 ? response.body() : null;
        } while (!expected.equals(last) && System.nanoTime() < deadline && pause());
        return last;
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(5);
        return true;
    }

    private static void awaitListeners(String id, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (modstamp.listeners(id).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the beans do not listen to " + id + ": " + modstamp.listeners(id) + "\nA:\n"
                        + a.log() + "\nC:\n" + c.log());
            }
            Thread.sleep(50);
        }
    }
}
