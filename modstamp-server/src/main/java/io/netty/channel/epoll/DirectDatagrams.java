package io.netty.channel.epoll;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * modstamp's sender of datagrams straight to an epoll channel's native socket with {@code sendmmsg}, up to 1,024 a
 * call, from the channel's event loop. For each datagram the channel's own write path costs a direct buffer from
 * the allocator, a packet object, a buffer duplicate and its reference counts, an entry of the outbound buffer and
 * its byte accounting, and the code of all that for the JIT to compile while a fresh server is under load. This
 * class does only what C would: it copies each datagram's bytes into one staging buffer of its thread (once for a
 * run of datagrams that share their bytes, as a fan-out's Signals do) and adds one iovec and one address per
 * datagram to the thread's packet array.
 *
 * <p>It lives in Netty's package for two package-private members (the socket's {@code sendmmsg} and the array of
 * native packets), and fills that array through its private {@code add0} (a method handle), so it is tied to the
 * Netty version the build pins. Where any of that is missing (another Netty, another class loader), {@link #usable}
 * is false and the caller writes the usual way.
 */
public final class DirectDatagrams {
    private static final System.Logger LOG = System.getLogger(DirectDatagrams.class.getName());
    private static final MethodHandle ADD = addPacket();
    /** Room for the largest UDP payload, and for a full call of the small datagrams modstamp sends. */
    private static final int STAGING_BYTES = 128 * 1024;
    /** Each event loop's packet array: 1,024 packets and their iovecs, reused by every send of that thread. */
    private static final FastThreadLocal<NativeDatagramPacketArray> ARRAYS = new FastThreadLocal<>() {
        @Override
        protected NativeDatagramPacketArray initialValue() {
            return new NativeDatagramPacketArray();
        }

        @Override
        protected void onRemoval(NativeDatagramPacketArray array) {
            array.release();
        }
    };
    /** Each event loop's native copy of the bytes its packet array points to while one call is sent. */
    private static final FastThreadLocal<ByteBuf> STAGING = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            return Unpooled.directBuffer(STAGING_BYTES, STAGING_BYTES);
        }

        @Override
        protected void onRemoval(ByteBuf staging) {
            staging.release();
        }
    };

    private static final LongAdder SENT = new LongAdder();

    private DirectDatagrams() {
    }

    private static MethodHandle addPacket() {
        try {
            if (DirectDatagrams.class.getClassLoader() != LinuxSocket.class.getClassLoader()) {
                return null; // not the same runtime package: the package-private calls would fail to link
            }
            return MethodHandles.privateLookupIn(NativeDatagramPacketArray.class, MethodHandles.lookup())
                    .findVirtual(NativeDatagramPacketArray.class, "add0", MethodType.methodType(boolean.class,
                            ByteBuf.class, int.class, int.class, int.class, InetSocketAddress.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.INFO, "datagrams go through Netty's write path: " + e);
            return null;
        }
    }

    private static boolean add(NativeDatagramPacketArray array, ByteBuf content, int index, int length,
                               InetSocketAddress recipient) {
        try {
            return (boolean) ADD.invokeExact(array, content, index, length, 0, recipient);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) { // add0 declares no checked exception
            throw new IllegalStateException(e);
        }
    }

    /** Whether this Netty has what the direct path needs. */
    public static boolean available() {
        return ADD != null;
    }

    /** Datagrams this JVM has sent the direct way (the kernel took them, or refused them one by one). */
    public static long sent() {
        return SENT.sum();
    }

    /**
     * Whether datagrams on {@code channel} can go the direct way now: an epoll datagram channel, open, with nothing
     * waiting in its outbound buffer (which they would overtake). Call it on the channel's event loop.
     */
    public static boolean usable(Channel channel) {
        if (ADD == null || !(channel instanceof EpollDatagramChannel) || !channel.isActive()) {
            return false;
        }
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        return pending != null && pending.totalPendingWriteBytes() == 0;
    }

    /**
     * Sends datagrams {@code 0 .. count - 1}, each {@code bytes.apply(i)} to {@code recipient.apply(i)}, in order, on
     * the channel's event loop (after {@link #usable}); returns how many it is done with when it stops, {@code count}
     * unless the socket's send buffer filled. A recipient the kernel refuses (no route, say) is skipped, as the write
     * path would skip it. Datagrams in a row with the same array share one copy of it.
     */
    public static int send(Channel channel, int count, IntFunction<byte[]> bytes,
                           IntFunction<InetSocketAddress> recipient) {
        LinuxSocket socket = ((EpollDatagramChannel) channel).socket;
        NativeDatagramPacketArray array = ARRAYS.get();
        ByteBuf staging = STAGING.get();
        int done = 0;
        int refused = 0;
        try {
            while (done < count) {
                stage(array, staging, done, count, bytes, recipient);
                if (array.count() == 0) {
                    break; // larger than the staging buffer (not a UDP datagram): the caller's
                }
                int sent;
                try {
                    sent = socket.sendmmsg(array.packets(), 0, array.count());
                } catch (IOException e) { // the first datagram of the call failed: skip it, as the write path does
                    sent = -1;
                }
                array.clear();
                if (sent == 0) {
                    break; // the send buffer is full: the rest is the caller's
                }
                if (sent < 0) {
                    refused++;
                    sent = 1;
                }
                done += sent;
            }
        } finally {
            array.clear();
        }
        SENT.add(done);
        if (refused > 0) {
            int skipped = refused;
            LOG.log(System.Logger.Level.DEBUG, () -> skipped + " datagram(s) were refused by the kernel");
        }
        return done;
    }

    /** Fills the packet array with datagrams from {@code from} on, until it or the staging buffer is full. */
    private static void stage(NativeDatagramPacketArray array, ByteBuf staging, int from, int count,
                              IntFunction<byte[]> bytes, IntFunction<InetSocketAddress> recipient) {
        staging.clear();
        byte[] staged = null;
        int offset = 0;
        for (int i = from; i < count; i++) {
            byte[] next = bytes.apply(i);
            if (next != staged) {
                if (next.length > staging.writableBytes()) {
                    return;
                }
                offset = staging.writerIndex();
                staging.writeBytes(next);
                staged = next;
            }
            if (!add(array, staging, offset, next.length, recipient.apply(i))) {
                return; // 1,024 packets: the kernel's limit of one sendmmsg
            }
        }
    }
}
