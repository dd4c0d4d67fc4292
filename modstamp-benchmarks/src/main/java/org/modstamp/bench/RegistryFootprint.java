package org.modstamp.bench;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.modstamp.server.ServerConfig;
import org.modstamp.server.engine.DatagramHandler;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/**
 * Heap bytes per (listener, id) registration, beyond the empty server: the handler answers Queries
 * from {@code listeners} distinct endpoints for each of {@code ids} ids, and the used heap after a full
 * GC is compared with the heap before. Run: {@code java -cp benchmarks.jar
 * org.modstamp.bench.RegistryFootprint 100000 10} (listeners, ids).
 */
public final class RegistryFootprint {
    public static void main(String[] args) {
        int listeners = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int ids = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        DatagramHandler handler = new DatagramHandler(ServerConfig.defaults(), new MemoryValueStore(),
                new ListenerRegistry(300));
        byte[][] queries = new byte[ids][];
        for (int j = 0; j < ids; j++) {
            queries[j] = MessageEncoder.plainDatagram(Message.query("dataset:" + j));
        }
        long before = usedHeapAfterGc();
        for (int i = 0; i < listeners; i++) {
            InetSocketAddress listener = new InetSocketAddress(
                    "127." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 1024 + (i % 50_000));
            for (int j = 0; j < ids; j++) {
                handler.handleOne(listener, ByteBuffer.wrap(queries[j]));
            }
        }
        long after = usedHeapAfterGc();
        long registrations = (long) listeners * ids;
        System.out.printf("%d listeners x %d ids = %d registrations: %.1f MB, %.1f bytes per registration%n",
                listeners, ids, registrations, (after - before) / 1e6, (after - before) / (double) registrations);
        System.out.println(handler.hashCode() == 0 ? "" : "(handler kept alive to here)");
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
