package io.netty.channel.epoll;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * modstamp's sender of a large fan-out: one datagram's bytes to many recipients with {@code sendmmsg}, 1,024 a
 * call, from the event loop straight to the channel's native socket. The channel's own write path costs, per
 * datagram, a packet object, a buffer duplicate and its reference counts, an entry of the outbound buffer and its
 * byte accounting. This class skips them and does only what C would: one iovec and one address per datagram.
 *
 * <p>It lives in Netty's package for two package-private members (the socket's {@code sendmmsg} and the array of
 * native packets), and fills that array through its private {@code add0} (a method handle), so it is tied to the
 * Netty version the build pins. Where any of that is missing (another Netty, another class loader), {@link #usable}
 * is false and the caller writes the usual way.
 */
public final class DirectFanOut {
    private static final System.Logger LOG = System.getLogger(DirectFanOut.class.getName());
    private static final MethodHandle ADD = addPacket();
    /** Each event loop's packet array: 1,024 packets and their iovecs, reused by every fan-out of that thread. */
    private static final FastThreadLocal<NativeDatagramPacketArray> ARRAYS = new FastThreadLocal<>() {
        @Override
        protected NativeDatagramPacketArray initialValue() {
            return new NativeDatagramPacketArray();
        }
    };

    private static final LongAdder SENT = new LongAdder();

    private DirectFanOut() {
    }

    private static MethodHandle addPacket() {
        try {
            if (DirectFanOut.class.getClassLoader() != LinuxSocket.class.getClassLoader()) {
                return null; // not the same runtime package: the package-private calls would fail to link
            }
            return MethodHandles.privateLookupIn(NativeDatagramPacketArray.class, MethodHandles.lookup())
                    .findVirtual(NativeDatagramPacketArray.class, "add0", MethodType.methodType(boolean.class,
                            ByteBuf.class, int.class, int.class, int.class, InetSocketAddress.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.INFO, "large fan-outs go through Netty's write path: " + e);
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
     * Whether a fan-out on {@code channel} can go the direct way now: an epoll datagram channel, open, with nothing
     * waiting in its outbound buffer (which the fan-out would overtake). Call it on the channel's event loop.
     */
    public static boolean usable(Channel channel) {
        if (ADD == null || !(channel instanceof EpollDatagramChannel) || !channel.isActive()) {
            return false;
        }
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        return pending != null && pending.totalPendingWriteBytes() == 0;
    }

    /**
     * Sends {@code content}'s readable bytes to recipients {@code 0 .. count - 1}, in order, on the channel's event
     * loop (after {@link #usable}); returns how many it is done with when it stops, {@code count} unless the socket's
     * send buffer filled. A recipient the kernel refuses (no route, say) is skipped, as the write path would skip it.
     */
    public static int send(Channel channel, ByteBuf content, int count, IntFunction<InetSocketAddress> recipient) {
        LinuxSocket socket = ((EpollDatagramChannel) channel).socket;
        NativeDatagramPacketArray array = ARRAYS.get();
        int index = content.readerIndex();
        int length = content.readableBytes();
        int done = 0;
        int refused = 0;
        try {
            while (done < count) {
                for (int i = done; i < count && add(array, content, index, length, recipient.apply(i)); i++) {
                    // added: at most 1,024 (the kernel's limit of one sendmmsg)
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
            LOG.log(System.Logger.Level.DEBUG, () -> skipped + " datagram(s) of a fan-out were refused by the kernel");
        }
        return done;
    }
}
