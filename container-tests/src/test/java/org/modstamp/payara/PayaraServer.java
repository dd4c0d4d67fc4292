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
import java.util.stream.Collectors;

import org.modstamp.containers.Command;
import org.modstamp.containers.ContainerProcess;
import org.modstamp.testing.TestProcesses;

/**
 * A real Payara Server domain of the test's own, made and driven with {@code asadmin} only, as an operator does:
 * {@code create-domain} on a free port base in a directory of the test's, {@code start-domain}, the system
 * properties, then whatever the test asks. Closing it stops the domain, kills its JVM and removes the directory.
 */
final class PayaraServer extends ContainerProcess {
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

    private PayaraServer(Path home, Path domains, int portBase) {
        super(domains.resolve(DOMAIN).resolve("config/pid"), domains);
        this.home = home;
        this.domains = domains;
        this.portBase = portBase;
    }

    /** Makes and starts a new domain under {@code domains} (emptied first), with these system properties. */
    static PayaraServer start(Path home, Path domains, Map<String, String> systemProperties) throws Exception {
        TestProcesses.remove(domains);
        int portBase = freePortBase();
        PayaraServer payara = new PayaraServer(home, domains, portBase);
        payara.run("--user", "admin", "create-domain", "--nopassword", "--portbase", String.valueOf(portBase),
                "--domaindir", domains.toString(), DOMAIN);
        payara.start(() -> {
            payara.run("start-domain", "--domaindir", domains.toString(), DOMAIN);
            if (!systemProperties.isEmpty()) {
                payara.asadmin("create-system-properties", systemProperties.entrySet().stream()
                        .map(e -> e.getKey() + "=" + escaped(e.getValue())).collect(Collectors.joining(":")));
            }
        });
        return payara;
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

    /** The domain's folder, com.sun.aas.instanceRoot. */
    Path instanceRoot() {
        return domains.resolve(DOMAIN);
    }

    String log() throws IOException {
        return Files.readString(instanceRoot().resolve("logs/server.log"));
    }

    private String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/asadmin").toString()));
        command.addAll(Arrays.asList(args));
        return Command.run(domains, ASADMIN_TIMEOUT, Map.of(), command);
    }

    @Override
    protected void stop() throws Exception {
        run("stop-domain", "--kill", "--domaindir", domains.toString(), DOMAIN);
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
