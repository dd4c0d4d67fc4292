package org.modstamp.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.modstamp.testing.TestProcesses;

/**
 * A container's server JVM, started by its own script (which returns while the JVM runs on) and known by the pid
 * file that the container writes, in a directory of the test's. Closing it stops it the container's way, then
 * kills the JVM and removes the directory; a test JVM that ends without closing it kills it too.
 */
public abstract class ContainerProcess implements AutoCloseable {
    /** A step that may fail. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final Path pidFile;
    private final Path directory;
    private final Thread killer = new Thread(this::kill);

    protected ContainerProcess(Path pidFile, Path directory) {
        this.pidFile = pidFile;
        this.directory = directory;
    }

    /** Runs {@code start}; a server that started must not outlive a start that failed, nor the test JVM. */
    protected final void start(Step start) throws Exception {
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            start.run();
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Stops the server the container's way (its script). */
    protected abstract void stop() throws Exception;

    /** Kills the server's JVM (its pid file), at once. */
    private void kill() {
        try {
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
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
            // the JVM is exiting already (or the hook was never added): the hook does the work
        }
        try {
            stop();
        } finally {
            kill();
            TestProcesses.remove(directory);
        }
    }
}
