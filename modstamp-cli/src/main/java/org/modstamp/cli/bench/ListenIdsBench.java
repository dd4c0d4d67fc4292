package org.modstamp.cli.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One client listening to many ids: the time of a full query round, and the client's heap. */
@Command(name = "listen-ids", mixinStandardHelpOptions = true,
        description = "One client listens to N ids: time until every id has its value, and heap used.")
final class ListenIdsBench implements Callable<Integer> {
    @Option(names = "--server", defaultValue = "127.0.0.1:1415", description = "Server (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--ids", defaultValue = "10000", description = "Ids (default: ${DEFAULT-VALUE})")
    int ids;

    @Override
    public Integer call() throws Exception {
        var address = HostPort.parse(server, Protocol.DEFAULT_PORT).resolve();
        Map<String, String> unknown = new LinkedHashMap<>();
        try (ModstampClient producer = ModstampClient.open(address, ClientConfig.defaults())) {
            Map<String, String> chunk = new LinkedHashMap<>();
            for (int i = 0; i < ids; i++) {
                chunk.put("bench.ids." + i, "v" + i);
                unknown.put("bench.ids." + i, null);
                if (chunk.size() == 1000 || i == ids - 1) {
                    producer.push(chunk);
                    chunk.clear();
                }
            }
        }
        CountDownLatch learned = new CountDownLatch(ids);
        long start = System.nanoTime();
        boolean complete;
        double roundMillis;
        long heapListening;
        try (ModstampClient listener = ModstampClient.open(address, ClientConfig.defaults())) {
            listener.listen(unknown, (id, value) -> learned.countDown(), true);
            complete = learned.await(30, TimeUnit.SECONDS);
            roundMillis = (System.nanoTime() - start) / 1e6;
            heapListening = usedHeapAfterGc();
        }
        long heapClosed = usedHeapAfterGc();
        System.out.printf("listen-ids: ids=%d complete=%s round_ms=%.1f client_heap_mb=%.1f%n",
                ids, complete, roundMillis, (heapListening - heapClosed) / 1e6);
        return unknown.isEmpty() ? 1 : 0; // keeps the id strings alive through both measurements

    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
