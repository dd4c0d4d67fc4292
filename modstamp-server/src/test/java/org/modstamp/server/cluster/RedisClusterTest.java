package org.modstamp.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.UdpPeers;
import org.modstamp.server.store.RedisValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

import redis.clients.jedis.Jedis;

/** Several server instances sharing one real Redis. */
class RedisClusterTest {
    private static final String PREFIX = "test:";

    @TempDir
    Path dir;

    private static ModstampServer instance(RedisProcess redis) throws Exception {
        return instance(redis, PREFIX);
    }

    /** An instance on a loopback port of its own, its values in {@code redis} under {@code prefix}. */
    static ModstampServer instance(RedisProcess redis, String prefix) throws Exception {
        return ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)),
                RedisValueStore.open(redis.uri(), prefix));
    }

    static InetSocketAddress at(ModstampServer server) {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    @Test
    void aChangeAtAnyInstanceReachesTheListenersOfAllOnce() throws Exception {
        try (RedisProcess redis = RedisProcess.start(dir)) {
            try (Jedis jedis = redis.connect()) {
                jedis.hset(PREFIX + "values", "before", "kept");
                jedis.set("someone:else", "untouched");
            }
            try (ModstampServer one = instance(redis); ModstampServer two = instance(redis);
                 ModstampServer three = instance(redis);
                 UdpPeers peers = new UdpPeers().add("L1", "127.0.0.1").add("L2", "127.0.0.1").add("L3", "127.0.0.1")
                         .add("AB", "127.0.0.1").add("P", "127.0.0.1")) {
                byte[] queryA = MessageEncoder.plainDatagram(Message.query("a"));
                peers.send("L1", queryA, at(one));
                peers.send("L2", queryA, at(two));
                peers.send("L3", queryA, at(three));
                peers.send("AB", MessageEncoder.plainDatagram(Message.query("a:b")), at(two));
                assertEquals(4, peers.collect(4, 2000, 50).size());

                peers.send("P", MessageEncoder.plainDatagram(Message.change("a", "1".getBytes())), at(three));
                String signal = HexFormat.of().formatHex(MessageEncoder.plainDatagram(Message.signal("a", "1".getBytes())));
                List<String> got = new ArrayList<>(peers.collect(4, 3000, 300));
                got.sort(null);
                assertEquals(List.of("L1: " + signal, "L2: " + signal, "L3: " + signal,
                        "P: " + HexFormat.of().formatHex(MessageEncoder.plainDatagram(Message.modified("a", "1".getBytes())))),
                        got, "one Signal per listener of a, none for the listener of a:b");

                peers.send("P", MessageEncoder.plainDatagram(Message.query("before")), at(two));
                assertEquals(List.of("P: " + HexFormat.of().formatHex(
                        MessageEncoder.plainDatagram(Message.reply("before", "kept".getBytes())))), peers.collect(1, 2000, 0));
            }
            try (Jedis jedis = redis.connect()) {
                assertEquals("kept", jedis.hget(PREFIX + "values", "before"), "never flushed");
                assertEquals("untouched", jedis.get("someone:else"));
                assertEquals("1", jedis.hget(PREFIX + "values", "a"));
            }
        }
    }

    @Test
    void aChangeRedisRefusesGetsNoModified() throws Exception {
        try (RedisProcess redis = RedisProcess.start(dir);
             ModstampServer server = instance(redis);
             ModstampClient producer = ModstampClient.open(at(server),
                     ClientConfig.defaults().withRequestTimeout(Duration.ofMillis(300)))) {
            try (Jedis jedis = redis.connect()) {
                jedis.del(PREFIX + "values");
                jedis.set(PREFIX + "values", "not a hash"); // every HSET now fails with WRONGTYPE inside EXEC
            }
            assertEquals(Map.of(), producer.push(Map.of("w", "1")), "not confirmed");
            assertEquals(null, producer.get(List.of("w")).get("w"), "and not visible");
        }
    }

    @Test
    void redisKilledAndRestartedLosesNoConfirmedChangeAndListenersConverge() throws Exception {
        ClientConfig fast = ClientConfig.defaults().withRequestTimeout(Duration.ofMillis(400))
                .withQueryInterval(Duration.ofMillis(300), Duration.ofMillis(50));
        try (RedisProcess redis = RedisProcess.start(dir);
             ModstampServer one = instance(redis); ModstampServer two = instance(redis);
             ModstampClient producer = ModstampClient.open(at(one), fast);
             ModstampClient listenerOne = ModstampClient.open(at(one), fast);
             ModstampClient listenerTwo = ModstampClient.open(at(two), fast)) {
            producer.push(Map.of("s", "0"));
            BlockingQueue<String> seenOne = new LinkedBlockingQueue<>();
            BlockingQueue<String> seenTwo = new LinkedBlockingQueue<>();
            listenerOne.listen(Map.of("s", "0"), (id, value) -> seenOne.add(value));
            listenerTwo.listen(Map.of("s", "0"), (id, value) -> seenTwo.add(value));
            String lastConfirmed = "0";
            int refused = 0;
            for (int i = 1; i <= 60; i++) {
                if (i == 20) {
                    redis.kill();
                }
                if (i == 30) {
                    redis.restart();
                }
                String value = String.valueOf(i);
                if (producer.push(Map.of("s", value)).containsKey("s")) {
                    lastConfirmed = value;
                } else {
                    refused++;
                }
            }
            assertTrue(refused > 0, "changes were refused while Redis was down");
            assertEquals("60", lastConfirmed, "changes are confirmed again after Redis is back");
            try (Jedis jedis = redis.connect()) {
                assertEquals(lastConfirmed, jedis.hget(PREFIX + "values", "s"), "the last confirmed change is in Redis");
            }
            assertTrue(converges(seenOne, lastConfirmed), "the listener of instance one converged");
            assertTrue(converges(seenTwo, lastConfirmed), "the listener of instance two converged");
        }
    }

    private static boolean converges(BlockingQueue<String> seen, String last) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String latest = null;
        while (System.nanoTime() < deadline) {
            String next = seen.poll(100, TimeUnit.MILLISECONDS);
            if (next != null) {
                latest = next;
            }
            if (last.equals(latest) && seen.isEmpty()) {
                return true;
            }
        }
        return last.equals(latest);
    }
}
