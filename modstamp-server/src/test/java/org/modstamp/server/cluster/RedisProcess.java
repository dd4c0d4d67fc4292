package org.modstamp.server.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.modstamp.testing.TestProcesses;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A private redis-server (Debian's package, installed by run-tests) on a free loopback port, with its
 * append-only file in a directory of the test's, fsynced on every write; or a sentinel (the same binary).
 */
final class RedisProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> arguments;
    private Process process;

    private RedisProcess(int port, Path dir, List<String> arguments) {
        this.port = port;
        this.dir = dir;
        this.arguments = arguments;
    }

    static RedisProcess start(Path dir) throws Exception {
        return start(dir, List.of());
    }

    /** A redis-server with {@code extra} arguments ({@code --replicaof ...}, say), in its own {@code dir}. */
    static RedisProcess start(Path dir, List<String> extra) throws Exception {
        int port = freePort();
        List<String> arguments = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString()));
        arguments.addAll(extra);
        RedisProcess redis = new RedisProcess(port, dir, arguments);
        redis.restart();
        return redis;
    }

    /**
     * A sentinel watching {@code primary} as {@code name} (quorum 2), which it takes as down after 2 s
     * without an answer.
     */
    static RedisProcess sentinel(Path dir, String name, RedisProcess primary) throws Exception {
        return sentinel(dir, name, primary.port(), 2, List.of());
    }

    /** A sentinel watching the primary on {@code primaryPort}, with more lines of configuration (TLS, say). */
    static RedisProcess sentinel(Path dir, String name, int primaryPort, int quorum, List<String> extraLines)
            throws Exception {
        int port = freePort();
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir));
        lines.addAll(extraLines);
        lines.addAll(List.of("sentinel monitor " + name + " 127.0.0.1 " + primaryPort + " " + quorum,
                "sentinel down-after-milliseconds " + name + " 2000",
                "sentinel failover-timeout " + name + " 6000",
                "sentinel parallel-syncs " + name + " 1", ""));
        Path config = Files.writeString(dir.resolve("sentinel.conf"), String.join("\n", lines));
        RedisProcess sentinel = new RedisProcess(port, dir, List.of("redis-server", config.toString(), "--sentinel"));
        sentinel.restart();
        return sentinel;
    }

    /** A free port, never handed out before by this JVM ({@link TestProcesses#freePort}). */
    static int freePort() throws IOException {
        return TestProcesses.freePort();
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    Jedis connect() {
        return new Jedis("127.0.0.1", port);
    }

    /** Starts (again) on the same port and directory, and waits until it answers. */
    void restart() throws Exception {
        try {
            process = new ProcessBuilder(arguments).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is not installed: run ./run-tests (it installs Debian's "
                    + "redis-server) or apt-get install redis-server", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Jedis jedis = connect()) {
                jedis.ping();
                return;
            } catch (JedisDataException e) {
                return; // it answers, if only to refuse a user it does not know (an ACL test's)
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("redis-server did not start on port " + port + "; its log:\n"
                            + logTail(), e);
                }
                Thread.sleep(50);
            }
        }
    }

    private String logTail() throws IOException {
        Path log = dir.resolve("redis.log");
        if (!Files.exists(log)) {
            return "(none)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /**
     * SIGSTOP: the process stops answering but its connections stay open, as with a frozen host or a cut
     * cable (nothing tells the clients); {@link #close} still kills it.
     */
    void freeze() throws Exception {
        Process stop = new ProcessBuilder("kill", "-STOP", String.valueOf(process.pid())).start();
        if (!stop.waitFor(5, TimeUnit.SECONDS) || stop.exitValue() != 0) {
            throw new IllegalStateException("could not SIGSTOP redis-server " + process.pid());
        }
    }

    /** SIGKILL: no clean shutdown, only what the append-only file holds survives. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
