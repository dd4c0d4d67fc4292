package org.modstamp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.modstamp.wire.Message;

/**
 * The one loop that owns a client's {@link ClientChannel}: runs the commands other threads hand over with
 * {@link #submit}, ticks the pushes, gets and listens on their millisecond timers, and passes every message
 * from the server to each of them (pushes, then gets, then listens).
 */
final class ClientLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger(ClientLoop.class.getName());
    private static final long NONE = Long.MAX_VALUE;

    private final ClientChannel channel;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final List<PushRequest> pushes = new ArrayList<>();
    private final List<GetRequest> gets = new ArrayList<>();
    private final List<ListenSession> listens = new ArrayList<>();
    private final List<WatchSession> watches = new ArrayList<>();
    /** The socket's keep-alive: its listens' interval, learned from the server's mapping probes. */
    private final KeepAlive keepAlive;
    /** Every exchange, in the order a message from the server is passed to them. */
    private final List<List<? extends Exchange>> exchanges;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private volatile Thread loopThread;

    ClientLoop(InetSocketAddress server, ClientConfig config) throws IOException {
        this.channel = ClientChannel.open(server, config);
        this.keepAlive = new KeepAlive(channel, () -> {
            listens.forEach(ListenSession::queryNow);
            watches.forEach(WatchSession::askNow);
        });
        this.exchanges = List.of(pushes, gets, listens, watches, new ArrayList<>(List.of(keepAlive)));
    }

    /** What the keep-alive knows now; any thread. */
    KeepAliveStatus keepAlive() {
        return keepAlive.status();
    }

    InetSocketAddress localAddress() throws IOException {
        return channel.localAddress();
    }

    ClientConfig config() {
        return channel.config();
    }

    /** Sealed datagrams from the server dropped: replayed, stale, or not an answer to a recent request. */
    long droppedDatagrams() {
        return channel.droppedDatagrams();
    }

    boolean isClosing() {
        return closing;
    }

    /** Whether the caller is this loop's own thread (where blocking on the loop would deadlock). */
    boolean isLoopThread() {
        return Thread.currentThread() == loopThread;
    }

    /** Runs {@code command} on the loop. */
    void submit(Runnable command) {
        enqueue(command);
        channel.wakeup();
    }

    /** Runs {@code command} on the loop; {@code result} fails if the loop stops before completing it. */
    void submit(Runnable command, CompletableFuture<?> result) {
        enqueue(command, result);
        channel.wakeup();
    }

    private void enqueue(Runnable command) {
        if (closing) {
            throw closedException(null);
        }
        commands.add(command);
    }

    private void enqueue(Runnable command, CompletableFuture<?> result) {
        inFlight.add(result);
        result.whenComplete((value, failure) -> inFlight.remove(result));
        enqueue(command);
        if (closing) { // closed between the check and the enqueue: the loop may never run it
            result.completeExceptionally(closedException(null));
        }
    }

    /** Makes the loop tick soon (unless it is stopping, when its selector may be closed). */
    private void wakeUp() {
        if (!closing) {
            channel.wakeup();
        }
    }

    private IllegalStateException closedException(Throwable cause) {
        return new IllegalStateException("the client for " + channel.server() + " is closed", cause);
    }

    // ---- operations, on the caller's thread ----

    void startPush(Map<String, byte[]> changes, CompletableFuture<Map<String, String>> result) {
        start(new PushRequest(channel, changes, result, System.nanoTime()), pushes, result);
    }

    void startGet(Set<String> ids, CompletableFuture<Map<String, String>> result) {
        start(new GetRequest(channel, ids, result, System.nanoTime()), gets, result);
    }

    /**
     * Sends a request's first datagrams from the caller's thread, without waking the loop (a thread hand-off on
     * the way of every push): the loop takes the request when its answer wakes it, and passes it the answer. The
     * caller then either {@link #wakeFor wakes} the loop at once or {@link #awaitAnswer waits}, waking it only if
     * the answer is late. On the loop's own thread too (a handler, a future's stage), the request joins its list
     * as a command, never while the loop walks that list.
     */
    private <R extends ResentRequest> void start(R request, List<R> list, CompletableFuture<?> result) {
        ClientChannel.Packed first = request.packFirst();
        enqueue(() -> list.add(request), result); // before the send, so that its answer finds it (receiveAll)
        channel.transmit(first);
    }

    /** Wakes the loop for a request just started (its resend timer); returns {@code result}. */
    <T> CompletableFuture<T> wakeFor(CompletableFuture<T> result) {
        if (!result.isDone()) {
            wakeUp();
        }
        return result;
    }

    /**
     * Waits a resend timeout at most for a request just started, then wakes the loop if it is still unanswered
     * (the loop resends it from then on); returns {@code result}. No other thread is woken while the answer is
     * on its way, on the cores it needs.
     */
    <T> CompletableFuture<T> awaitAnswer(CompletableFuture<T> result) {
        try {
            result.get(channel.config().resendTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            return result; // done
        } catch (TimeoutException e) {
            wakeUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wakeUp();
        }
        return result;
    }

    Listening startListen(Map<String, String> lastKnown, ChangeHandler handler, boolean deliverInitial,
                          Duration queryInterval) {
        ListenSession listen = new ListenSession(channel, keepAlive, this::submit, this::wakeUp, lastKnown, handler,
                deliverInitial, queryInterval);
        submit(() -> listens.add(listen.started(System.nanoTime())));
        return listen;
    }

    Watching startWatch(String prefix, org.modstamp.wire.Watches.Position from, WatchHandler handler) {
        WatchSession watch = new WatchSession(channel, keepAlive, this::wakeUp, prefix, from, handler);
        submit(() -> watches.add(watch));
        return watch;
    }

    // ---- lifecycle ----

    @Override
    public void run() {
        loopThread = Thread.currentThread();
        Throwable failure = null;
        try {
            while (!closing) {
                runCommands();
                long now = System.nanoTime();
                long next = tick(now);
                channel.await(next == NONE ? 0 : Math.max(1, (next - now + 999_999) / 1_000_000));
                receiveAll();
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "client loop for " + channel.server() + " failed", e);
        } finally {
            closing = true;
            IllegalStateException closed = closedException(failure);
            inFlight.forEach(f -> f.completeExceptionally(closed));
            listens.forEach(ListenSession::ended);
            watches.forEach(WatchSession::ended);
            keepAlive.close();
            channel.close();
            stopped.countDown();
        }
    }

    /** Asks the loop to stop and waits for it (at most {@code timeout}); the socket is closed after. */
    void close(Duration timeout) {
        closing = true;
        channel.wakeup();
        if (isLoopThread()) {
            return; // called from a handler: the loop ends when the handler returns
        }
        try {
            if (!stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "client loop for " + channel.server() + " did not stop within "
                        + timeout);
                channel.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the socket of a loop that never ran. */
    void abandon() {
        closing = true;
        channel.close();
    }

    private void runCommands() {
        for (Runnable command; (command = commands.poll()) != null; ) {
            command.run();
        }
    }

    /** Runs every due timer, forgetting the exchanges that are over; returns when the next one is due. */
    private long tick(long now) {
        long next = NONE;
        for (List<? extends Exchange> list : exchanges) {
            for (Iterator<? extends Exchange> it = list.iterator(); it.hasNext(); ) {
                long due = it.next().tick(now);
                if (due == Exchange.DONE) {
                    it.remove();
                } else {
                    next = Math.min(next, due);
                }
            }
        }
        return next;
    }

    /**
     * Passes what the server sent to every exchange. The commands are run after each datagram is read and before
     * it is passed on: a request whose datagram left before its answer arrived is always there to take it.
     */
    private void receiveAll() throws IOException {
        while (true) {
            Optional<ClientChannel.Received> received = channel.receive();
            if (received.isEmpty()) {
                return;
            }
            runCommands();
            long now = System.nanoTime();
            listens.forEach(l -> l.heard(now));
            for (Message m : received.get().messages()) {
                exchanges.forEach(list -> list.forEach(e -> e.received(m, received.get().inReplyTo())));
            }
        }
    }
}
