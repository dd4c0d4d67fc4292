package org.modstamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

/**
 * The jars as a container loads them: the Jakarta APIs in the server's loader, the RAR's jars (API and core)
 * in a loader below it, the application module in a loader below that. No package spans two jars, and the
 * application module's public entry points work across the loaders (a package-private call between jars
 * would fail here with IllegalAccessError, as it does in a container).
 */
class ClassLoaderSeparationTest {
    private static final List<String> MODULES = List.of("modstamp-ra-api", "modstamp-core", "modstamp-client-ejb");

    /** The jar (or classes folder) of the test class path whose path names {@code module} or the API artifact. */
    private static URL entry(String name) throws IOException {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " is not on the test class path"))
                .transform(p -> {
                    try {
                        return Path.of(p).toUri().toURL();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private static Set<String> packages(URL jarOrFolder) throws Exception {
        Path path = Path.of(jarOrFolder.toURI());
        Set<String> packages = new TreeSet<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                files.filter(f -> f.toString().endsWith(".class"))
                        .forEach(f -> packages.add(path.relativize(f.getParent()).toString().replace('/', '.')));
            }
        } else {
            try (ZipFile zip = new ZipFile(path.toFile())) {
                zip.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class") && n.contains("/"))
                        .forEach(n -> packages.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
            }
        }
        return packages;
    }

    @Test
    void noPackageSpansTwoJars() throws Exception {
        Map<String, String> owner = new HashMap<>();
        for (String module : MODULES) {
            for (String pkg : packages(entry(module))) {
                String other = owner.putIfAbsent(pkg, module);
                assertTrue(other == null, pkg + " is in both " + other + " and " + module);
            }
        }
    }

    @Test
    void thePusherWorksWithTheAdaptersJarsInALoaderOfTheirOwn() throws Exception {
        ClassLoader container = new URLClassLoader(new URL[] {entry("jakarta.jakartaee-api"),
                entry("microprofile-config-api")}, ClassLoader.getPlatformClassLoader());
        ClassLoader rar = new URLClassLoader(new URL[] {entry("modstamp-ra-api"), entry("modstamp-core")}, container);
        ClassLoader app = new URLClassLoader(new URL[] {entry("modstamp-client-ejb")}, rar);

        BlockingQueue<Object> pushed = new LinkedBlockingQueue<>();
        Class<?> factoryType = rar.loadClass("org.modstamp.ra.api.ModstampConnectionFactory");
        Class<?> connectionType = rar.loadClass("org.modstamp.ra.api.ModstampConnection");
        Object connection = Proxy.newProxyInstance(rar, new Class<?>[] {connectionType}, (proxy, method, args) -> {
            if (method.getName().equals("push")) {
                pushed.add(args[0]);
                return args[0];
            }
            return null;
        });
        Object factory = Proxy.newProxyInstance(rar, new Class<?>[] {factoryType},
                (proxy, method, args) -> method.getName().equals("getConnection") ? connection : null);
        Object noTransaction = Proxy.newProxyInstance(container,
                new Class<?>[] {container.loadClass("jakarta.transaction.TransactionSynchronizationRegistry")},
                (proxy, method, args) -> method.getName().equals("getTransactionStatus") ? 6 : null);

        ExecutorService executor = Executors.newCachedThreadPool();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            Class<?> pusherType = app.loadClass("org.modstamp.ee.ModstampPusher");
            assertEquals(app, pusherType.getClassLoader(), "the pusher comes from the application's loader");
            Object pusher = pusherType.getConstructor().newInstance();
            set(pusher, "connectionFactoryNames", "java:app/modstamp");
            set(pusher, "deadlineSeconds", 60L);
            set(pusher, "transactions", noTransaction);
            set(pusher, "executor", executor);
            set(pusher, "scheduler", scheduler);
            Object factories = field(pusherType, "factories").get(pusher);
            @SuppressWarnings("unchecked")
            Map<String, Object> byName = (Map<String, Object>) field(factories.getClass(), "byName").get(factories);
            byName.put("java:app/modstamp", factory);
            invoke(pusher, "configure");
            pusherType.getMethod("push", String.class, String.class).invoke(pusher, "orders", "1");
            assertEquals(Map.of("orders", "1"), pushed.poll(5, TimeUnit.SECONDS),
                    "pushed through the API types of the RAR's loader");
            // The pusher counts a push as confirmed after the connection's push returned, on its own thread; a
            // second push of the id before that would replace the first (superseded, not confirmed).
            Method stats = pusherType.getMethod("stats");
            awaitInStats(pusher, stats, "confirmed=1");
            pusherType.getMethod("touch", String.class).invoke(pusher, "orders");
            assertTrue(pushed.poll(5, TimeUnit.SECONDS) != null);
            awaitInStats(pusher, stats, "confirmed=2");
        } finally {
            executor.shutdownNow();
            scheduler.shutdownNow();
        }
    }

    /** Waits (at most 5 s) until the pusher's statistics read {@code text}, and fails with them if they do not. */
    private static void awaitInStats(Object pusher, Method stats, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!stats.invoke(pusher).toString().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(stats.invoke(pusher).toString().contains(text), stats.invoke(pusher).toString());
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    private static void set(Object target, String name, Object value) throws Exception {
        field(target.getClass(), name).set(target, value);
    }

    private static void invoke(Object target, String name) throws Exception {
        Method method = target.getClass().getDeclaredMethod(name);
        method.setAccessible(true);
        method.invoke(target);
    }
}
