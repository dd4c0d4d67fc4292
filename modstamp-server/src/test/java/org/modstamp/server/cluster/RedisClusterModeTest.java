package org.modstamp.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.modstamp.server.store.RedisSettings;
import org.modstamp.server.store.RedisValueStore;

import redis.clients.jedis.Jedis;

/**
 * A Redis Cluster of three primaries, the prefix's slot with a replica: two instances share values through
 * it (one hash slot, sharded pub/sub), and follow the slot to the replica after a {@code CLUSTER FAILOVER}.
 */
class RedisClusterModeTest {
    private static final String PREFIX = "cl:";
    private static final String HASH = "{" + PREFIX + "}values";
    /** Cluster nodes; the replica's first full sync starts at once (Redis 7 waits 5 s for more replicas). */
    private static final List<String> CLUSTER = List.of("--cluster-enabled", "yes", "--cluster-config-file",
            "nodes.conf", "--cluster-node-timeout", "2000", "--repl-diskless-sync-delay", "0");

    @TempDir
    Path dir;

    @Test
    void instancesShareValuesThroughTheSlotAndFollowItsFailover() throws Exception {
        long setup = System.nanoTime();
        try (RedisProcess a = node("a"); RedisProcess b = node("b"); RedisProcess c = node("c");
             RedisProcess replica = node("replica")) {
            // what redis-cli --cluster create does, without needing redis-cli: a third of the slots each
            List<RedisProcess> primaries = List.of(a, b, c);
            int[] firstSlots = {0, 5461, 10923, 16384};
            for (int i = 0; i < primaries.size(); i++) {
                try (Jedis jedis = primaries.get(i).connect()) {
                    jedis.clusterSetConfigEpoch(i + 1);
                    jedis.clusterAddSlotsRange(firstSlots[i], firstSlots[i + 1] - 1);
                }
            }
            try (Jedis jedis = a.connect()) {
                for (RedisProcess other : List.of(b, c, replica)) {
                    jedis.clusterMeet("127.0.0.1", other.port());
                }
            }
            List<RedisProcess> all = List.of(a, b, c, replica);
            Poll.until("the four nodes know each other", Duration.ofSeconds(30), () -> all.stream().allMatch(n -> {
                try (Jedis jedis = n.connect()) {
                    return jedis.clusterNodes().lines().filter(line -> line.contains("connected")).count() == 4;
                }
            }));
            int slot;
            try (Jedis jedis = a.connect()) {
                slot = (int) jedis.clusterKeySlot(HASH);
            }
            int third = 0;
            while (slot >= firstSlots[third + 1]) {
                third++;
            }
            RedisProcess primary = primaries.get(third);
            String owner;
            try (Jedis jedis = primary.connect()) {
                owner = jedis.clusterMyId();
            }
            try (Jedis jedis = replica.connect()) {
                jedis.clusterReplicate(owner);
            }
            Poll.until("the replica is in sync", Duration.ofSeconds(30),
                    () -> info(replica).contains("master_link_status:up"));
            String replicaId;
            try (Jedis jedis = replica.connect()) {
                replicaId = jedis.clusterMyId();
            }
            // a failover needs the votes of the primaries: each must know the replica as the owner's
            Poll.until("every node sees the cluster up and the replica as the owner's", Duration.ofSeconds(30),
                    () -> all.stream().allMatch(n -> {
                        try (Jedis jedis = n.connect()) {
                            return jedis.clusterInfo().contains("cluster_state:ok") && jedis.clusterNodes().lines()
                                    .anyMatch(line -> line.startsWith(replicaId) && line.contains("slave " + owner));
                        }
                    }));
            System.out.printf("Redis Cluster: 3 primaries and a replica of slot %d's ready in %d ms%n", slot,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - setup));

            RedisSettings settings = RedisSettings.parse("redis-cluster://127.0.0.1:" + a.port() + ",127.0.0.1:"
                    + c.port()).withPrefix(PREFIX).withReplicas(1, RedisSettings.DEFAULT_REPLICAS_TIMEOUT);
            ClientConfig fast = ClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(1))
                    .withQueryInterval(Duration.ofMillis(500), Duration.ofMillis(50));
            try (ModstampServer one = instance(settings); ModstampServer two = instance(settings);
                 ModstampClient producer = client(one, fast); ModstampClient otherProducer = client(two, fast);
                 ModstampClient listenerOne = client(one, fast); ModstampClient listenerTwo = client(two, fast)) {
                BlockingQueue<String> heardOne = new LinkedBlockingQueue<>();
                BlockingQueue<String> heardTwo = new LinkedBlockingQueue<>();
                java.util.Map<String, String> unknown = new java.util.HashMap<>();
                unknown.put("x", null);
                listenerOne.listen(unknown, (id, value) -> heardOne.add(String.valueOf(value)), true);
                listenerTwo.listen(unknown, (id, value) -> heardTwo.add(String.valueOf(value)), true);

                assertEquals(Map.of("x", "1"), producer.push(Map.of("x", "1")), "confirmed with a replica's ack");
                awaitHeard("1", heardOne, heardTwo);
                assertEquals(Map.of("x", "2"), otherProducer.push(Map.of("x", "2")));
                awaitHeard("2", heardOne, heardTwo);
                try (Jedis jedis = primary.connect()) {
                    assertEquals("2", jedis.hget(HASH, "x"), "in the slot's hash");
                }

                long failover = System.nanoTime();
                try (Jedis jedis = replica.connect()) {
                    jedis.clusterFailover();
                }
                Poll.until("the replica took the slot over", Duration.ofSeconds(30),
                        () -> info(replica).contains("role:master"));
                String value = "3";
                int refused = 0;
                while (!producer.push(Map.of("x", value)).containsKey("x")) {
                    refused++; // refused (no M) until the old primary is a replica that acknowledges
                    assertTrue(System.nanoTime() - failover < TimeUnit.SECONDS.toNanos(30), "confirmed again");
                }
                long confirmedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failover);
                awaitHeard("3", heardOne, heardTwo);
                assertEquals(Map.of("x", "4"), otherProducer.push(Map.of("x", "4")));
                awaitHeard("4", heardOne, heardTwo);
                try (Jedis jedis = replica.connect()) {
                    assertEquals("4", jedis.hget(HASH, "x"), "on the slot's new primary");
                }
                System.out.printf("Redis Cluster: CLUSTER FAILOVER of slot %d, first change confirmed again after "
                        + "%d ms (%d push(es) refused), both instances' listeners followed%n", slot, confirmedAfter,
                        refused);
            }
        }
    }

    private RedisProcess node(String name) throws Exception {
        return RedisProcess.start(Files.createDirectories(dir.resolve(name)), CLUSTER);
    }

    private static String info(RedisProcess node) {
        try (Jedis jedis = node.connect()) {
            return jedis.info("replication");
        }
    }

    private static ModstampServer instance(RedisSettings settings) throws Exception {
        return ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)),
                RedisValueStore.open(settings));
    }

    private static ModstampClient client(ModstampServer server, ClientConfig config) throws Exception {
        return ModstampClient.open(new InetSocketAddress("127.0.0.1", server.port()), config);
    }

    /** Each listener hears {@code value} (a Signal, or at worst its next keep-alive Query's Reply). */
    private static void awaitHeard(String value, BlockingQueue<String> one, BlockingQueue<String> two)
            throws InterruptedException {
        List<String> seen = new ArrayList<>();
        for (BlockingQueue<String> heard : List.of(one, two)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String latest = null;
            while (!value.equals(latest) && System.nanoTime() < deadline) {
                String next = heard.poll(100, TimeUnit.MILLISECONDS);
                latest = next != null ? next : latest;
            }
            seen.add(latest);
        }
        assertEquals(List.of(value, value), seen, "both instances' listeners heard " + value);
    }
}
