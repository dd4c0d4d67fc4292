package org.modstamp.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java main class (on this JVM's class path) or an executable jar run in a child JVM inside one of a
 * {@link NatNetwork}'s namespaces: every line it prints (stdout and stderr) is kept with the time it was read, its
 * stdin takes lines.
 * {@link #close} kills it (and waits for it), so that its namespace can go.
 */
public final class NamespaceJvm implements AutoCloseable {
    /** A line of the child's output and when this JVM read it ({@link System#nanoTime}). */
    public record Line(String text, long nanos) {
    }

    private final String name;
    private final Process process;
    private final PrintWriter stdin;
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();
    /** Kills the child if this JVM exits first (its namespace is removed then, the process would stay). */
    private final Thread killer;

    private NamespaceJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.killer = new Thread(this::kill, "kills " + name);
        Runtime.getRuntime().addShutdownHook(killer);
        Thread reader = new Thread(this::readLines, "output of " + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} with {@code args} in {@code host}'s namespace, with a small heap. */
    public static NamespaceJvm start(NatNetwork net, NatNetwork.Host host, String name, Class<?> mainClass,
                                     List<String> jvmOptions, List<String> args) throws IOException {
        return start(net, host, name, jvmOptions, List.of("-cp", System.getProperty("java.class.path"),
                mainClass.getName()), args);
    }

    /** Starts the executable {@code jar} with {@code args} in {@code host}'s namespace ({@code jvmOptions} first). */
    public static NamespaceJvm startJar(NatNetwork net, NatNetwork.Host host, String name, Path jar,
                                        List<String> jvmOptions, List<String> args) throws IOException {
        return start(net, host, name, jvmOptions, List.of("-jar", jar.toAbsolutePath().toString()), args);
    }

    private static NamespaceJvm start(NatNetwork net, NatNetwork.Host host, String name, List<String> jvmOptions,
                                      List<String> what, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions); // a later -Xmx wins
        command.addAll(what);
        command.addAll(args);
        return new NamespaceJvm(name, net.command(host, command).redirectErrorStream(true).start());
    }

    private void readLines() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                long now = System.nanoTime();
                synchronized (transcript) {
                    transcript.add(line);
                }
                lines.add(new Line(line, now));
            }
        } catch (IOException e) {
            lines.add(new Line("(output ended: " + e + ")", System.nanoTime()));
        }
    }

    /** Sends {@code line} to the child's stdin. */
    public void send(String line) {
        stdin.println(line);
    }

    /** The next line the child printed that starts with {@code prefix}, waiting at most {@code timeout}; null if none. */
    public Line next(String prefix, Duration timeout) throws InterruptedException {
        return next(text -> text.startsWith(prefix), timeout);
    }

    /** The next line the child printed that {@code matches}, waiting at most {@code timeout}; null if none. */
    public Line next(Predicate<String> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            Line line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && matches.test(line.text())) {
                return line;
            }
        }
        return null;
    }

    /** The next line that starts with {@code prefix}; fails with the child's whole output when none comes in time. */
    public Line await(String prefix, Duration timeout) throws InterruptedException {
        Line line = next(prefix, timeout);
        if (line == null) {
            throw new IllegalStateException(name + " printed no line starting with '" + prefix + "' within " + timeout
                    + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + "; its output:\n"
                    + transcript());
        }
        return line;
    }

    /** Everything the child printed so far. */
    public String transcript() {
        synchronized (transcript) {
            return String.join("\n", transcript);
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook kills the child
        }
        kill();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
