package org.modstamp.example.jpacache;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Payara Micro process of the test's own: the RAR deployed by a postboot command file, then the application;
 * its own root directory, a free HTTP port on loopback, these system properties. Closing it kills the process.
 */
final class PayaraMicro implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Path dir;
    private final int port;
    private final Process process;
    /** Kills the process if the test JVM ends without {@link #close} (a crash, a timeout). */
    private final Thread killer;

    private PayaraMicro(String name, Path dir, int port, Process process) {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.killer = new Thread(this::kill, "kill-payara-" + name);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts the process; {@link #awaitReady} waits until the application answers. */
    static PayaraMicro start(String name, Path build, Path war, Map<String, String> properties) throws IOException {
        Path dir = build.resolve("payara-" + name).toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Path postboot = dir.resolve("postboot.txt");
        Files.writeString(postboot, "deploy " + build.resolve("modstamp-ra.rar").toAbsolutePath() + "\n");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", build.resolve("payara-micro.jar").toAbsolutePath().toString(),
                "--nohazelcast", "--disablephonehome", "--rootdir", dir.resolve("root").toString(),
                "--port", Integer.toString(port), "--postbootcommandfile", postboot.toString(),
                "--deploy", war.toAbsolutePath().toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.log").toFile()).start();
        return new PayaraMicro(name, dir, port, process);
    }

    /** Until the application answers at {@code path}, or fails with the console's output. */
    PayaraMicro awaitReady(String path) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> response = get(path);
                if (response.statusCode() == 500) {
                    throw new IllegalStateException(name + " answers 500 at " + path + ":\n" + log());
                }
                if (response.headers().firstValue("X-Nano-Time").isPresent()) {
                    return this; // the application's answer, not the server's 404 before it is deployed
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not deploy within " + START_TIMEOUT + ":\n" + log());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String log() throws IOException {
        Path console = dir.resolve("console.log");
        return Files.exists(console) ? Files.readString(console) : "(no output)";
    }

    @Override
    public void close() throws Exception {
        Runtime.getRuntime().removeShutdownHook(killer);
        kill();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
