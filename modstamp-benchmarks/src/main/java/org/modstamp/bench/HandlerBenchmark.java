package org.modstamp.bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.modstamp.server.ServerConfig;
import org.modstamp.server.engine.DatagramHandler;
import org.modstamp.server.engine.OutgoingDatagram;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The handler without sockets: a Query answered (registering its sender among {@code listeners}
 * others), a Change of another id, and the first and last pages of the listeners of the id.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandlerBenchmark {
    @Param({"0", "10000", "100000"})
    public int listeners;

    private DatagramHandler handler;
    private final InetSocketAddress producer = new InetSocketAddress("127.0.0.1", 40000);
    private InetSocketAddress[] queriers;
    private final byte[] query = MessageEncoder.plainDatagram(Message.query("orders"));
    private final byte[][] changes = new byte[2][];
    private int turn;

    @Setup
    public void setUp() {
        MemoryValueStore store = new MemoryValueStore();
        store.putAll(Map.of("orders", "1".getBytes(StandardCharsets.UTF_8)));
        handler = new DatagramHandler(ServerConfig.defaults(), store, new ListenerRegistry(300));
        queriers = new InetSocketAddress[Math.max(1, listeners)];
        for (int i = 0; i < queriers.length; i++) {
            queriers[i] = new InetSocketAddress("127.1." + (i >> 8 & 255) + "." + (i & 255), 1000 + (i >> 16));
            if (listeners > 0) {
                handler.handleOne(queriers[i], ByteBuffer.wrap(query));
            }
        }
        changes[0] = MessageEncoder.plainDatagram(Message.change("other", "a".getBytes()));
        changes[1] = MessageEncoder.plainDatagram(Message.change("other", "b".getBytes()));
    }

    /** A Query from one of the listeners (a renewal), answered with an R: O(1) whatever {@code listeners}. */
    @Benchmark
    public List<OutgoingDatagram> query() {
        turn = (turn + 1) % queriers.length;
        return handler.handleOne(queriers[turn], ByteBuffer.wrap(query));
    }

    /** The first 1,000 listeners of the id, as an operator reads them: what the engine thread does for the page. */
    @Benchmark
    public List<InetSocketAddress> listenersFirstPage() {
        return handler.listeners("orders", 0, 1000);
    }

    /** The last 1,000 listeners of the id: the offset is skipped by a scan of the id's table. */
    @Benchmark
    public List<InetSocketAddress> listenersLastPage() {
        return handler.listeners("orders", Math.max(0, listeners - 1000), 1000);
    }

    /** A Change of an id nobody listens to: the M only. */
    @Benchmark
    public List<OutgoingDatagram> changeWithoutListeners() {
        turn ^= 1;
        return handler.handleOne(producer, ByteBuffer.wrap(changes[turn]));
    }
}
