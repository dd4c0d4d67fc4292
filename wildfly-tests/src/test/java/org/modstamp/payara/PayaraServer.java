package org.modstamp.payara;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.modstamp.testing.TestProcesses;

/**
 * A real Payara Server domain of the test's own, made and driven with {@code asadmin} only, as an operator does:
 * {@code create-domain} on a free port base in a directory of the test's, {@code start-domain}, the system
 * properties, then whatever the test asks. Stopping it kills the domain's JVM and removes the directory.
 */
final class PayaraServer implements AutoCloseable {
    private static final Duration ASADMIN_TIMEOUT = Duration.ofSeconds(180);
    private static final String DOMAIN = "modstamp";
    /**
     * The ports of a domain, as offsets from its port base: admin, HTTP, HTTPS, IIOP (three), JMS, JMX, OSGi shell,
     * debug.
     */
    private static final int[] PORTS = {48, 80, 81, 37, 38, 39, 76, 86, 66, 9};

    private final Path home;
    private final Path domains;
    private final int portBase;
    private final Thread killer;

    private PayaraServer(Path home, Path domains, int portBase) {
        this.home = home;
        this.domains = domains;
        this.portBase = portBase;
        this.killer = new Thread(this::kill);
    }

    /** Makes and starts a new domain under {@code domains} (emptied first), with these system properties. */
    static PayaraServer start(Path home, Path domains, Map<String, String> systemProperties) throws Exception {
        TestProcesses.remove(domains);
        int portBase = freePortBase();
        PayaraServer payara = new PayaraServer(home, domains, portBase);
        payara.run("--user", "admin", "create-domain", "--nopassword", "--portbase", String.valueOf(portBase),
                "--domaindir", domains.toString(), DOMAIN);
        Runtime.getRuntime().addShutdownHook(payara.killer); // a JVM that ends without close() takes the domain along
        try {
            payara.run("start-domain", "--domaindir", domains.toString(), DOMAIN);
            if (!systemProperties.isEmpty()) {
                payara.asadmin("create-system-properties", systemProperties.entrySet().stream()
                        .map(e -> e.getKey() + "=" + escaped(e.getValue())).collect(Collectors.joining(":")));
            }
            return payara;
        } catch (Exception | Error e) { // a domain that started must not outlive a start that failed
            try {
                payara.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** asadmin's separator of properties is the colon: one inside a value is escaped. */
    static String escaped(String value) {
        return value.replace(":", "\\:");
    }

    /** Runs an asadmin command against the domain's admin port; fails with what it printed. */
    String asadmin(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("--port", String.valueOf(portBase + 48)));
        command.addAll(Arrays.asList(args));
        return run(command.toArray(String[]::new));
    }

    void deploy(Path archive) throws Exception {
        asadmin("deploy", archive.toAbsolutePath().toString());
    }

    void undeploy(String name) throws Exception {
        asadmin("undeploy", name);
    }

    int httpPort() {
        return portBase + 80;
    }

    String log() throws IOException {
        return Files.readString(domains.resolve(DOMAIN).resolve("logs/server.log"));
    }

    private String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/asadmin").toString()));
        command.addAll(Arrays.asList(args));
        Files.createDirectories(domains);
        Path output = Files.createTempFile(domains, "asadmin", ".out");
        Process asadmin = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        boolean finished = asadmin.waitFor(ASADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            asadmin.destroyForcibly();
        }
        String printed = Files.readString(output);
        if (!finished || asadmin.exitValue() != 0) {
            throw new IllegalStateException("asadmin " + String.join(" ", args) + (finished ? " failed" : " timed out")
                    + ":\n" + printed);
        }
        return printed;
    }

    /** Kills the domain's JVM (its pid file), at once. */
    private void kill() {
        Path pid = domains.resolve(DOMAIN).resolve("config/pid");
        try {
            if (Files.exists(pid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | NumberFormatException e) {
            // nothing to kill
        }
    }

    @Override
    public void close() throws Exception {
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is exiting already: the hook does the work
        }
        try {
            run("stop-domain", "--kill", "--domaindir", domains.toString(), DOMAIN);
        } finally {
            kill();
            TestProcesses.remove(domains);
        }
    }

    /**
     * A port base under which every port a domain binds is free on loopback, below Linux's ephemeral range (32768
     * and up), where other programs' outgoing sockets come and go.
     */
    private static int freePortBase() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(100, 320) * 100;
            if (Arrays.stream(PORTS).allMatch(p -> TestProcesses.tcpPortFree(base + p))) {
                return base;
            }
        }
        throw new IllegalStateException("no free port base for Payara Server");
    }
}
