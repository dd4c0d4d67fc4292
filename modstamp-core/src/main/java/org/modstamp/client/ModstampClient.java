package org.modstamp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;
import org.modstamp.wire.Ids;
import org.modstamp.wire.Watches;

/**
 * A client of one modstamp server: pushes changes, gets values, and listens. One UDP socket, one loop;
 * the loop runs on a thread of its own, or on an {@link Executor} the caller gives (an application
 * server's WorkManager, say). Thread-safe; {@link #close} stops the loop and closes the socket.
 *
 * <pre>{@code
 * try (ModstampClient client = ModstampClient.open("localhost:1415")) {
 *     client.push(Map.of("orders", "42"));
 *     Listening l = client.listen(Map.of("orders", "42"), (id, value) -> reload(id));
 * }
 * }</pre>
 */
public final class ModstampClient implements AutoCloseable {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final InetSocketAddress server;
    private final ClientLoop loop;
    private final Thread ownThread;

    private ModstampClient(InetSocketAddress server, ClientLoop loop, Thread ownThread) {
        this.server = server;
        this.loop = loop;
        this.ownThread = ownThread;
    }

    /** A client of {@code host:port} (1415 when no port is given) with the default configuration. */
    public static ModstampClient open(String hostPort) throws IOException {
        return open(HostPort.parse(hostPort, Protocol.DEFAULT_PORT).resolve(), ClientConfig.defaults());
    }

    /** A client whose loop runs on a daemon thread of its own. */
    public static ModstampClient open(InetSocketAddress server, ClientConfig config) throws IOException {
        ClientLoop loop = newLoop(server, config);
        Thread thread = new Thread(loop, "modstamp-client-" + server);
        thread.setDaemon(true);
        thread.start();
        return new ModstampClient(server, loop, thread);
    }

    /** A client whose loop (one long-running task, until {@link #close}) runs on {@code loopRunner}. */
    public static ModstampClient open(InetSocketAddress server, ClientConfig config, Executor loopRunner)
            throws IOException {
        ClientLoop loop = newLoop(server, config);
        try {
            loopRunner.execute(loop);
        } catch (RuntimeException e) {
            loop.abandon();
            throw e;
        }
        return new ModstampClient(server, loop, null);
    }

    private static ClientLoop newLoop(InetSocketAddress server, ClientConfig config) throws IOException {
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve host '" + server.getHostString() + "'");
        }
        return new ClientLoop(server, config);
    }

    public InetSocketAddress server() {
        return server;
    }

    /** Whether this client was closed, or its loop stopped on a failure. */
    public boolean isClosed() {
        return loop.isClosing();
    }

    /** The client's own address (its socket's port is what the server answers to). */
    public InetSocketAddress localAddress() throws IOException {
        return loop.localAddress();
    }

    /**
     * Sets each id to its value (null or "" deletes) and waits until the server confirmed each (its M with
     * the same value) or the request timeout passed. Returns the confirmed ids with their values; an id
     * missing from it was not confirmed. Ids and values are checked before anything is sent.
     */
    public Map<String, String> push(Map<String, String> changes) {
        refuseOnLoopThread("push");
        return join(loop.awaitAnswer(startPush(changes)));
    }

    /** As {@link #push}, without waiting. */
    public CompletableFuture<Map<String, String>> pushAsync(Map<String, String> changes) {
        return loop.wakeFor(startPush(changes));
    }

    private CompletableFuture<Map<String, String>> startPush(Map<String, String> changes) {
        var encoded = Values.encodeAll(changes);
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        if (encoded.isEmpty()) {
            result.complete(Map.of());
            return result;
        }
        loop.startPush(encoded, result);
        return result;
    }

    /** One query round: the current value of each id (null when it has none). */
    public Map<String, String> get(Collection<String> ids) {
        refuseOnLoopThread("get");
        return join(loop.awaitAnswer(startGet(ids)));
    }

    private void refuseOnLoopThread(String what) {
        if (loop.isLoopThread()) {
            throw new IllegalStateException(what + " would wait for this client's own thread (called from a "
                    + "handler or a future's stage): use " + what + "Async there");
        }
    }

    /** As {@link #get}, without waiting; fails with {@link ModstampTimeoutException} if a Reply is missing. */
    public CompletableFuture<Map<String, String>> getAsync(Collection<String> ids) {
        return loop.wakeFor(startGet(ids));
    }

    private CompletableFuture<Map<String, String>> startGet(Collection<String> ids) {
        Set<String> checked = new LinkedHashSet<>();
        ids.forEach(id -> checked.add(Ids.require(id)));
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        if (checked.isEmpty()) {
            result.complete(Map.of());
            return result;
        }
        loop.startGet(checked, result);
        return result;
    }

    /**
     * Listens to the ids of {@code lastKnown} (id to the value the caller knows, null for unknown):
     * queries them at once and then every query interval, and calls {@code handler} for every change,
     * from a Signal or a Reply. An id whose last known value is null learns its first value silently.
     */
    public Listening listen(Map<String, String> lastKnown, ChangeHandler handler) {
        return listen(lastKnown, handler, false);
    }

    /** As {@link #listen(Map, ChangeHandler)}; with {@code deliverInitialValues} the first values are delivered too. */
    public Listening listen(Map<String, String> lastKnown, ChangeHandler handler, boolean deliverInitialValues) {
        return listen(lastKnown, handler, deliverInitialValues, loop.config().queryInterval());
    }

    /** As {@link #listen(Map, ChangeHandler, boolean)}, with this listen's own keep-alive interval. */
    public Listening listen(Map<String, String> lastKnown, ChangeHandler handler, boolean deliverInitialValues,
                            Duration queryInterval) {
        if (queryInterval.toMillis() < 1) {
            throw new IllegalArgumentException("queryInterval must be at least 1 ms, not " + queryInterval);
        }
        return loop.startListen(lastKnown, handler, deliverInitialValues, queryInterval);
    }

    /**
     * Watches every id that starts with {@code prefix} (a server with the watch extension; see docs/protocol.md):
     * the handler is told each change under it with its revision, from now on ({@link Watches.Position#NOW}) or
     * from a position a watch had before ({@link Watching#position}): what changed since is told first, as the
     * latest change of each id, or {@link WatchHandler#onReset} when the server cannot tell it. The watch asks at
     * the keep-alive's interval, with one short datagram whatever the number of ids under the prefix.
     */
    public Watching watch(String prefix, Watches.Position from, WatchHandler handler) {
        return loop.startWatch(prefix, from, handler);
    }

    /**
     * What the keep-alive of this client's socket knows: whether it is adaptive and the server helps, the mapping
     * lifetime proven, the interval its listens query at, and how often the mapping changed.
     */
    public KeepAliveStatus keepAlive() {
        return loop.keepAlive();
    }

    /**
     * Sealed datagrams from the server that this client dropped although they opened with its key: replayed,
     * older than the 30 s window, or naming no request it sent within the window (always 0 for plain).
     */
    public long droppedDatagrams() {
        return loop.droppedDatagrams();
    }

    /** Stops the loop (pending pushes and gets fail) and closes the socket, within about 2 seconds. */
    @Override
    public void close() {
        loop.close(CLOSE_TIMEOUT);
        if (ownThread != null && !loop.isLoopThread()) {
            try {
                ownThread.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "ModstampClient[" + server + "]";
    }
}
