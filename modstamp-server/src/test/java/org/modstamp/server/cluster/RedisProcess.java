package org.modstamp.server.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.Jedis;

/**
 * A private redis-server (Debian's package, installed by run-tests) on a free loopback port, with its
 * append-only file in a directory of the test's, fsynced on every write.
 */
final class RedisProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private RedisProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static RedisProcess start(Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        RedisProcess redis = new RedisProcess(port, dir);
        redis.restart();
        return redis;
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
            process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is not installed: run ./run-tests (it installs Debian's "
                    + "redis-server) or apt-get install redis-server", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Jedis jedis = connect()) {
                jedis.ping();
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("redis-server did not start on port " + port, e);
                }
                Thread.sleep(50);
            }
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
