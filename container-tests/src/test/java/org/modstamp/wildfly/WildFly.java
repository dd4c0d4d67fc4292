package org.modstamp.wildfly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.modstamp.testing.TestProcesses;

/**
 * A real WildFly {@code standalone-full} of the test's own: a fresh copy of {@code standalone/} as its base
 * directory, every port shifted by a free offset, bound to loopback, driven with {@code jboss-cli.sh} as an
 * operator would. Stopping it kills the JVM that {@code standalone.sh} started.
 */
final class WildFly implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);
    private static final int START_ATTEMPTS = 3;
    /** The ports standalone-full.xml binds, before the offset. */
    private static final int[] PORTS = {8080, 8443, 8009, 9990, 9993, 3528, 3529, 4712, 4713};

    private final Path home;
    private final Path base;
    private final int offset;
    private final Process process;
    private final Map<String, String> properties;

    private final Thread killer;

    private WildFly(Path home, Path base, int offset, Process process, Map<String, String> properties) {
        this.home = home;
        this.base = base;
        this.offset = offset;
        this.process = process;
        this.properties = properties;
        this.killer = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
    }

    /** WildFly could not bind a port that was free a moment before. */
    private static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }

    /**
     * Starts WildFly from {@code home} with its state in {@code base} (emptied first) and these system
     * properties; tries other ports when one was taken between the check and the bind.
     */
    static WildFly start(Path home, Path base, Map<String, String> properties) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(home, base, properties);
            } catch (PortTaken e) {
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static WildFly startOnce(Path home, Path base, Map<String, String> properties) throws Exception {
        TestProcesses.remove(base);
        copyRecursively(home.resolve("standalone"), base);
        return launch(home, base, freeOffset(), properties);
    }

    /**
     * Kills the server's JVM at once (SIGKILL: no shutdown hook, no undeployment, nothing flushed), then
     * starts it again on the same base directory and ports, with its configuration and deployments, and
     * waits until it has started.
     */
    WildFly killAndRestart() throws Exception {
        Runtime.getRuntime().removeShutdownHook(killer);
        List<ProcessHandle> all = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
        Files.move(base.resolve("console.log"), base.resolve("console-before-kill.log"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return launch(home, base, offset, properties);
    }

    private static WildFly launch(Path home, Path base, int offset, Map<String, String> properties) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/standalone.sh").toString(),
                "-c", "standalone-full.xml", "-Djboss.server.base.dir=" + base,
                "-Djboss.socket.binding.port-offset=" + offset, "-Djboss.bind.address=127.0.0.1",
                "-Djboss.bind.address.management=127.0.0.1"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(base.resolve("console.log").toFile());
        builder.environment().put("JBOSS_HOME", home.toString());
        WildFly wildfly = new WildFly(home, base, offset, builder.start(), properties);
        // if the test JVM ends without close() (a failed or timed-out run), WildFly must not outlive it
        Runtime.getRuntime().addShutdownHook(wildfly.killer);
        wildfly.awaitStarted();
        return wildfly;
    }

    int httpPort() {
        return 8080 + offset;
    }

    Path base() {
        return base;
    }

    /** Runs CLI commands (one per line; a CLI script's text) against this server; fails with what it printed. */
    String cli(String script) throws Exception {
        Path file = Files.createTempFile(base, "commands", ".cli");
        Files.writeString(file, script);
        Path output = Files.createTempFile(base, "commands", ".out");
        Process cli = new ProcessBuilder(home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=remote+http://127.0.0.1:" + (9990 + offset), "--file=" + file)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))) // never waits for a prompt
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean finished = cli.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            cli.destroyForcibly();
        }
        String printed = Files.readString(output);
        if (!finished || cli.exitValue() != 0) {
            throw new IllegalStateException("jboss-cli " + (finished ? "failed" : "timed out") + " on\n" + script
                    + "\nwith\n" + printed);
        }
        return printed;
    }

    /** Deploys an archive the way an operator does ({@code deploy} in the CLI, which waits for the outcome). */
    void deploy(Path archive) throws Exception {
        cli("deploy " + archive.toAbsolutePath());
    }

    void undeploy(String name) throws Exception {
        cli("undeploy " + name);
    }

    String log() throws IOException {
        return Files.readString(base.resolve("console.log"));
    }

    private void awaitStarted() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String log = log();
            if (log.contains("WFLYSRV0025")) {
                return;
            }
            if (log.contains("WFLYSRV0026") || !process.isAlive()) { // started with errors, or died
                close();
                String message = "WildFly did not start cleanly:\n" + log;
                throw log.contains("Address already in use") ? new PortTaken(message) : new IllegalStateException(message);
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("WildFly did not start within " + START_TIMEOUT + ":\n" + log());
    }

    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is exiting already: the hook does the work
        }
        List<ProcessHandle> all = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * An offset under which every port standalone-full binds is free on loopback; the ports stay below
     * Linux's ephemeral range (32768 and up), where other programs' outgoing sockets come and go.
     */
    private static int freeOffset() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int offset = ThreadLocalRandom.current().nextInt(10_000, 22_000);
            if (java.util.Arrays.stream(PORTS).allMatch(p -> TestProcesses.tcpPortFree(p + offset))) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for WildFly");
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }
}
