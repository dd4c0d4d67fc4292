package org.modstamp.ee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.modstamp.client.Values;

/** Versions and fresh values across instances: unique, and ordered by what each instance saw. */
class HybridClockTest {
    private static final long NOW = 1_800_000_000_000L;

    /**
     * Two applications, each with its own class loader and so its own clock (as two JVMs), make fresh values at
     * full speed at the same time: none is made twice.
     */
    @Test
    void twoClassLoadersWithTheirOwnClocksNeverMakeTheSameFreshValue() throws Exception {
        URL classes = HybridClock.class.getProtectionDomain().getCodeSource().getLocation();
        int each = 100_000;
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<Set<String>>> made = List.of(freshValues(classes, each, together),
                freshValues(classes, each, together));
        Set<String> first = made.get(0).get(30, TimeUnit.SECONDS);
        Set<String> second = made.get(1).get(30, TimeUnit.SECONDS);
        assertEquals(each, first.size(), "unique within one instance");
        assertEquals(each, second.size());
        Set<String> both = new HashSet<>(first);
        both.retainAll(second);
        assertEquals(Set.of(), both, "made by both instances");
    }

    private static CompletableFuture<Set<String>> freshValues(URL classes, int count, CyclicBarrier together) {
        return CompletableFuture.supplyAsync(() -> {
            try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
                Class<?> clock = loader.loadClass(HybridClock.class.getName());
                Field jvm = clock.getDeclaredField("JVM");
                jvm.setAccessible(true);
                Object instance = jvm.get(null);
                Method fresh = clock.getDeclaredMethod("fresh");
                fresh.setAccessible(true);
                Set<String> values = new HashSet<>();
                together.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < count; i++) {
                    values.add((String) fresh.invoke(instance));
                }
                return values;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aVersionMadeAfterSeeingAnotherIsGreaterWhateverTheWallClocks() {
        HybridClock ahead = new HybridClock(() -> NOW + 10_000, 1);
        HybridClock behind = new HybridClock(() -> NOW, 2);
        long seen = ahead.next();
        assertTrue(behind.next() < seen, "the wall clocks alone would order them wrongly");
        behind.observe(seen);
        assertTrue(behind.next() > seen, "after seeing it, greater");
    }

    @Test
    void theSameMillisecondOnTwoNodesGivesDistinctVersionsOrderedByNode() {
        long a = new HybridClock(() -> NOW, 1).next();
        long b = new HybridClock(() -> NOW, 2).next();
        assertTrue(a != b && a < b, "the node id breaks the tie");
    }

    @Test
    void neitherVersionsNorFreshValuesRepeatWhenTheWallClockStandsStillOrStepsBack() {
        AtomicLong wall = new AtomicLong(NOW);
        HybridClock clock = new HybridClock(wall::get, 3);
        Set<String> values = new HashSet<>();
        long last = 0;
        for (int i = 0; i < 1_000; i++) { // past 64 a millisecond the logical time runs ahead of the wall clock
            if (i == 500) {
                wall.addAndGet(-60_000); // stepped back a minute
            }
            long version = clock.next();
            assertTrue(version > last, "increasing");
            last = version;
            assertTrue(values.add(clock.fresh()));
        }
    }

    @Test
    void freshValuesAreShortValidValues() {
        String value = HybridClock.JVM.fresh();
        Values.check(Map.of("id", value));
        assertTrue(value.length() <= 21, value);
        assertTrue(HybridClock.JVM.next() > 0, "versions are positive");
    }
}
