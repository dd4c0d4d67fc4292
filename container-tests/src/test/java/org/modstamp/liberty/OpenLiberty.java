package org.modstamp.liberty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.modstamp.containers.Command;
import org.modstamp.containers.ContainerProcess;
import org.modstamp.testing.TestProcesses;

/**
 * A real Open Liberty server of the test's own: a user directory ({@code WLP_USER_DIR}) of the test's with one
 * server in it, its {@code server.xml} and {@code jvm.options} written by the test, its archives in the server's
 * {@code apps/}, started and stopped with Liberty's {@code server} script. Liberty applies a changed
 * {@code server.xml} while it runs (it polls the file): {@link #configure} writes one and waits until Liberty
 * took it. Closing it stops the server, kills its JVM and removes the directory.
 */
final class OpenLiberty extends ContainerProcess {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(120);
    static final String SERVER = "modstamp";
    /** Liberty's messages that it applied a changed server.xml, or found nothing in it to apply. */
    private static final Pattern CONFIG_TAKEN = Pattern.compile("CWWKG0017I|CWWKG0018I");

    private final Path home;
    private final Path userDir;

    private OpenLiberty(Path home, Path userDir) {
        super(userDir.resolve("servers/.pid/" + SERVER + ".pid"), userDir);
        this.home = home;
        this.userDir = userDir;
    }

    /**
     * Makes the server under {@code userDir} (emptied first) with these archives in its {@code apps/}, these
     * system properties in its {@code jvm.options} and this {@code server.xml}, and starts it.
     */
    static OpenLiberty start(Path home, Path userDir, List<Path> archives, Map<String, String> systemProperties,
                             String serverXml) throws Exception {
        TestProcesses.remove(userDir);
        OpenLiberty liberty = new OpenLiberty(home, userDir);
        Files.createDirectories(liberty.apps());
        for (Path archive : archives) {
            liberty.copyToApps(archive);
        }
        StringBuilder options = new StringBuilder();
        systemProperties.forEach((k, v) -> options.append("-D").append(k).append('=').append(v).append('\n'));
        Files.writeString(liberty.serverDir().resolve("jvm.options"), options);
        Files.writeString(liberty.serverDir().resolve("server.xml"), serverXml);
        liberty.start(() -> liberty.script("start"));
        return liberty;
    }

    /** The server's folder: server.config.dir, and server.output.dir too. */
    Path serverDir() {
        return userDir.resolve("servers").resolve(SERVER);
    }

    /** Copies an archive into the server's {@code apps/}, where a relative location in server.xml points. */
    void copyToApps(Path archive) throws IOException {
        Files.copy(archive, apps().resolve(archive.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Writes a new server.xml (in one move, never half written) and waits until Liberty applied it. */
    void configure(String serverXml) throws Exception {
        long before = count(CONFIG_TAKEN);
        Path next = Files.createTempFile(serverDir(), "server", ".xml");
        Files.writeString(next, serverXml);
        Files.move(next, serverDir().resolve("server.xml"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        awaitLogged(CONFIG_TAKEN, before + 1);
    }

    /** How many times Liberty logged a message that {@code message} finds. */
    long count(Pattern message) throws IOException {
        Matcher m = message.matcher(log());
        return m.results().count();
    }

    /** Waits until Liberty logged a message that {@code message} finds {@code times} times in all. */
    void awaitLogged(Pattern message, long times) throws Exception {
        long deadline = System.nanoTime() + LOG_TIMEOUT.toNanos();
        while (count(message) < times) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Liberty did not log " + message + " " + times + " times within "
                        + LOG_TIMEOUT + ":\n" + log());
            }
            Thread.sleep(100);
        }
    }

    String log() throws IOException {
        Path messages = serverDir().resolve("logs/messages.log");
        return Files.exists(messages) ? Files.readString(messages) : "";
    }

    private Path apps() {
        return serverDir().resolve("apps");
    }

    private String script(String action) throws Exception {
        return Command.run(userDir, SCRIPT_TIMEOUT, Map.of("WLP_USER_DIR", userDir.toString()),
                List.of(home.resolve("bin/server").toString(), action, SERVER));
    }

    @Override
    protected void stop() throws Exception {
        script("stop");
    }
}
