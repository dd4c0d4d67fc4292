package org.modstamp.server.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.DirectDatagrams;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import org.modstamp.server.engine.OutgoingDatagram;

/**
 * What one socket sends, in order, used on the socket's event loop only. Where {@link DirectDatagrams} can, the
 * datagrams go straight to the kernel with sendmmsg. What the socket's send buffer does not take (the datagrams of
 * a fan-out wait in the queue of a link slower than the server, charged to the socket) waits here, and is offered
 * to the socket again every millisecond: a UDP socket reports room (EPOLLOUT) only once half of its buffer is free,
 * which on a slow link comes seconds after sending works again. A confirmation (Modifieds only, see
 * {@link OutgoingDatagram}) goes ahead of what waits, so a writer gets its M at once however long a fan-out
 * takes to drain. Where the direct path is not there (NIO, a Netty without what it needs), datagrams go through
 * Netty's write path in order and nothing goes ahead.
 */
final class SendQueue {
    private static final System.Logger LOG = System.getLogger(SendQueue.class.getName());
    private static final AttributeKey<SendQueue> KEY = AttributeKey.valueOf(SendQueue.class, "sendQueue");
    private static final long RETRY_MICROS = 1_000;
    /**
     * How many datagrams may wait at most, confirmations and the others each (the JVM property
     * {@code modstamp.sendQueueLimit}, 500,000 unless set); new ones beyond it are dropped (and logged), as a full
     * link drops them. Signals that fill it never cost a writer its confirmation.
     */
    static final int WAITING_LIMIT = Math.max(1, Integer.getInteger("modstamp.sendQueueLimit", 500_000));

    private final Channel channel;
    private final Waiting confirmations = new Waiting();
    private final Waiting others = new Waiting();
    /** Completed when nothing waits any more. */
    private final List<Promise<Void>> whenDrained = new ArrayList<>();
    /** The last datagram given to Netty's write path, which completes when all before it have been sent. */
    private ChannelFuture lastWritten;
    private boolean retryScheduled;
    private long waitingSince;
    private int waited;
    private int wentAhead;
    private int dropped;

    private SendQueue(Channel channel) {
        this.channel = channel;
    }

    /** The queue of {@code channel}, made on first use (on its event loop). */
    static SendQueue of(Channel channel) {
        SendQueue queue = channel.attr(KEY).get();
        if (queue == null) {
            queue = new SendQueue(channel);
            channel.attr(KEY).set(queue);
        }
        return queue;
    }

    /** Sends datagrams after those sent before (a confirmation ahead of those still waiting). */
    void send(List<OutgoingDatagram> datagrams) {
        if (confirmations.isEmpty() && others.isEmpty()) {
            if (!DirectDatagrams.usable(channel)) {
                writeThroughNetty(datagrams);
                return;
            }
            int sent = DirectDatagrams.send(channel, datagrams.size(), i -> datagrams.get(i).bytes(),
                    i -> datagrams.get(i).recipient());
            if (sent == datagrams.size()) {
                return;
            }
            waitingSince = System.nanoTime();
            LOG.log(System.Logger.Level.DEBUG, () -> "the socket's send buffer filled after " + sent + " of "
                    + datagrams.size() + " datagrams: the rest waits for room");
            enqueue(datagrams.subList(sent, datagrams.size()));
            scheduleRetry();
            return;
        }
        boolean confirming = enqueue(datagrams);
        if (confirming) {
            offer(); // the socket may have room for them already
        }
    }

    /** A future that completes once the socket has taken everything sent so far. */
    Future<Void> sent() {
        if (!confirmations.isEmpty() || !others.isEmpty()) {
            Promise<Void> drained = channel.eventLoop().newPromise();
            whenDrained.add(drained);
            return drained;
        }
        return lastWritten != null ? lastWritten : channel.eventLoop().newSucceededFuture(null);
    }

    /** Queues datagrams behind those waiting, confirmations behind the confirmations; whether one was a confirmation. */
    private boolean enqueue(List<OutgoingDatagram> datagrams) {
        boolean confirming = false;
        for (OutgoingDatagram datagram : datagrams) {
            Waiting waiting = datagram.confirmation() ? confirmations : others;
            if (waiting.size() >= WAITING_LIMIT) {
                dropped++;
            } else {
                waiting.add(datagram);
                confirming |= waiting == confirmations;
            }
        }
        waited += datagrams.size();
        return confirming;
    }

    /** Offers the socket what waits, confirmations first, until it takes no more; again later if some is left. */
    private void offer() {
        if (!DirectDatagrams.usable(channel)) { // closed, or another writer used Netty's path: keep the order there
            if (channel.isActive()) {
                writeThroughNetty(confirmations.drain());
                writeThroughNetty(others.drain());
            } else {
                dropped += confirmations.drain().size() + others.drain().size();
            }
        } else {
            int confirmed = confirmations.size();
            if (!offer(confirmations)) {
                return;
            }
            wentAhead += others.isEmpty() ? 0 : confirmed;
            if (!offer(others)) {
                return;
            }
        }
        drained();
    }

    /** Offers one queue's datagrams to the socket; whether it took all of them (else a retry is scheduled). */
    private boolean offer(Waiting waiting) {
        if (waiting.isEmpty()) {
            return true;
        }
        waiting.drop(DirectDatagrams.send(channel, waiting.size(), i -> waiting.get(i).bytes(),
                i -> waiting.get(i).recipient()));
        if (waiting.isEmpty()) {
            return true;
        }
        scheduleRetry();
        return false;
    }

    private void scheduleRetry() {
        if (retryScheduled) {
            return;
        }
        try {
            channel.eventLoop().schedule(() -> {
                retryScheduled = false;
                offer();
            }, RETRY_MICROS, TimeUnit.MICROSECONDS);
            retryScheduled = true;
        } catch (RejectedExecutionException e) { // shutting down: what waits is not sent
            dropped += confirmations.drain().size() + others.drain().size();
            drained();
        }
    }

    /** Nothing waits any more: tells those who asked, and the log. */
    private void drained() {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitingSince);
        int total = waited;
        int ahead = wentAhead;
        int lost = dropped;
        LOG.log(System.Logger.Level.DEBUG, () -> "the socket took the " + total + " datagrams that waited for room "
                + "after " + millis + " ms; " + ahead + " confirmation(s) went ahead of the others");
        if (lost > 0) {
            LOG.log(System.Logger.Level.WARNING, () -> lost + " datagram(s) were dropped: the socket's send buffer "
                    + "stayed full while " + WAITING_LIMIT + " waited (modstamp.sendQueueLimit), or the socket closed");
        }
        waited = 0;
        wentAhead = 0;
        dropped = 0;
        for (Promise<Void> drained : whenDrained) { // after what went to Netty's write path instead, if any did
            if (lastWritten == null) {
                drained.trySuccess(null);
            } else {
                lastWritten.addListener(written -> drained.trySuccess(null));
            }
        }
        whenDrained.clear();
    }

    /** Writes datagrams through Netty's write path, each run of the same bytes from one native buffer, and flushes. */
    private void writeThroughNetty(List<OutgoingDatagram> datagrams) {
        int from = 0;
        while (from < datagrams.size()) {
            int end = SocketEngine.endOfRun(datagrams, from);
            lastWritten = write(datagrams.subList(from, end));
            from = end;
        }
        channel.flush();
    }

    /** Writes datagrams of the same bytes, not flushed; the future completes when the last one has been sent. */
    private ChannelFuture write(List<OutgoingDatagram> run) {
        byte[] bytes = run.get(0).bytes();
        ByteBuf shared = channel.alloc().directBuffer(bytes.length).writeBytes(bytes);
        try {
            int last = run.size() - 1;
            for (int i = 0; i < last; i++) {
                channel.write(new DatagramPacket(shared.retainedDuplicate(), run.get(i).recipient()),
                        channel.voidPromise());
            }
            return channel.write(new DatagramPacket(shared.retainedDuplicate(), run.get(last).recipient()));
        } finally {
            shared.release();
        }
    }

    /** Datagrams in order, taken from the head. */
    private static final class Waiting {
        private final ArrayList<OutgoingDatagram> datagrams = new ArrayList<>();
        private int head;

        boolean isEmpty() {
            return head == datagrams.size();
        }

        int size() {
            return datagrams.size() - head;
        }

        OutgoingDatagram get(int i) {
            return datagrams.get(head + i);
        }

        void add(OutgoingDatagram datagram) {
            datagrams.add(datagram);
        }

        /** Forgets the first {@code count}. */
        void drop(int count) {
            head += count;
            if (isEmpty()) {
                datagrams.clear();
                head = 0;
            } else if (head > 4096 && head > datagrams.size() / 2) {
                datagrams.subList(0, head).clear();
                head = 0;
            }
        }

        /** All of them, in order; empty afterwards. */
        List<OutgoingDatagram> drain() {
            List<OutgoingDatagram> all = new ArrayList<>(datagrams.subList(head, datagrams.size()));
            datagrams.clear();
            head = 0;
            return all;
        }
    }
}
