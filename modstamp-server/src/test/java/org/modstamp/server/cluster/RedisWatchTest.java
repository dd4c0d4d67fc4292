package org.modstamp.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.UdpPeers;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageEncoder;
import org.modstamp.wire.MessageType;
import org.modstamp.wire.Watches;
import org.modstamp.wire.Watches.Position;

import redis.clients.jedis.Protocol;

/**
 * Watches on server instances that share a real Redis: every instance gives a change the same revision (counted
 * in Redis, inside the batch's script), so a watcher can catch up at another instance from the position it had at
 * the first, and an instance started later knows the revision without a log of its own.
 */
class RedisWatchTest {
    private static final String PREFIX = "watch:";

    @TempDir
    Path dir;

    private static ModstampServer instance(RedisProcess redis) throws Exception {
        return RedisClusterTest.instance(redis, PREFIX);
    }

    private static InetSocketAddress at(ModstampServer server) {
        return RedisClusterTest.at(server);
    }

    /** What {@code name} received among {@code collected} ("NAME: hex" lines), message by message. */
    private static List<Message> of(String name, List<String> collected) {
        List<Message> messages = new ArrayList<>();
        for (String line : collected) {
            if (line.startsWith(name + ": ")) {
                ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(line.substring(name.length() + 2)));
                DatagramHeader.read(b).orElseThrow();
                messages.addAll(MessageDecoder.decode(b).orElseThrow());
            }
        }
        return messages;
    }

    private static List<String> changes(List<Message> messages) {
        return messages.stream().filter(m -> m.type() == MessageType.CHANGED)
                .map(m -> m.id() + "=" + new String(m.value()) + "@" + Watches.changed(m).orElseThrow().revision()).toList();
    }

    private static Watches.Watched watched(List<Message> messages) {
        return messages.stream().filter(m -> m.type() == MessageType.WATCHED).reduce((a, b) -> b)
                .flatMap(Watches::watched).orElseThrow(() -> new AssertionError("no WATCHED in " + messages));
    }

    @Test
    void everyInstanceGivesAChangeTheSameRevisionAndAWatcherCatchesUpAnywhere() throws Exception {
        try (RedisProcess redis = RedisProcess.start(dir);
             ModstampServer one = instance(redis); ModstampServer two = instance(redis);
             UdpPeers peers = new UdpPeers().add("W1", "127.0.0.1").add("W2", "127.0.0.1").add("P", "127.0.0.1")) {
            byte[] watch = MessageEncoder.plainDatagram(Watches.watch("orders.", Position.NOW));
            peers.send("W1", watch, at(one));
            peers.send("W2", watch, at(two));
            List<String> registered = peers.collect(2, 2000, 50);
            Position start = watched(of("W1", registered)).position();
            assertEquals(start, watched(of("W2", registered)).position(), "one epoch and revision for both");

            peers.send("P", MessageEncoder.plainDatagram(Message.change("orders.1", "a".getBytes())), at(one));
            List<String> first = peers.collect(3, 3000, 0);
            peers.send("P", MessageEncoder.plainDatagram(Message.change("orders.2", "b".getBytes()),
                    Message.change("other", "x".getBytes())), at(two));
            List<String> all = new ArrayList<>(first);
            all.addAll(peers.collect(3, 3000, 200));
            long r = start.revision();
            List<String> expected = List.of("orders.1=a@" + (r + 1), "orders.2=b@" + (r + 2));
            assertEquals(expected, changes(of("W1", all)), "the watcher at one, a change at each instance");
            assertEquals(expected, changes(of("W2", all)), "the watcher at two");

            peers.send("W1", MessageEncoder.plainDatagram(Watches.watch("orders.", start)), at(two));
            List<Message> caughtUp = of("W1", peers.collect(1, 2000, 100));
            assertEquals(expected, changes(caughtUp), "caught up at the other instance");
            assertEquals(new Position(start.epoch(), r + 3), watched(caughtUp).position());
            assertFalse(watched(caughtUp).reset());

            // an instance of before publishes its batches without a revision: nobody is told a made-up one, every
            // watcher is reset at its next WATCH
            try (redis.clients.jedis.Jedis jedis = redis.connect()) {
                byte[] message = MessageEncoder.plainDatagram(Message.change("orders.9", "old".getBytes()));
                jedis.hset((PREFIX + "values").getBytes(), "orders.9".getBytes(), "old".getBytes());
                jedis.publish((PREFIX + "changes").getBytes(), message);
            }
            boolean reset = false;
            for (long deadline = System.nanoTime() + 5_000_000_000L; !reset && System.nanoTime() < deadline; ) {
                peers.send("W1", MessageEncoder.plainDatagram(Watches.watch("orders.",
                        new Position(start.epoch(), r + 3))), at(one));
                reset = watched(of("W1", peers.collect(1, 2000, 0))).reset(); // once the batch was heard
            }
            assertTrue(reset, "a change of unknown revision");

            // the store's count is lost (a failover that lost writes, a deleted key): it begins again under a new
            // epoch, and every watcher of before is reset, not told revisions it thinks it has seen
            try (redis.clients.jedis.Jedis jedis = redis.connect()) {
                jedis.del(PREFIX + "revision");
            }
            peers.send("P", MessageEncoder.plainDatagram(Message.change("orders.5", "e".getBytes())), at(two));
            peers.collect(3, 3000, 200); // its M, and the Signals to both watchers
            peers.send("W2", MessageEncoder.plainDatagram(Watches.watch("orders.", new Position(start.epoch(), r + 3))),
                    at(one));
            Watches.Watched lostCount = watched(of("W2", peers.collect(1, 2000, 100)));
            assertTrue(lostCount.reset(), "a position of the epoch before the count was lost");
            assertTrue(lostCount.position().epoch() != start.epoch(), "a new epoch: " + lostCount.position());
            assertEquals(1, lostCount.position().revision(), "counted again from the change after the loss");
            Position now = lostCount.position();

            try (ModstampServer three = instance(redis)) {
                peers.send("W2", MessageEncoder.plainDatagram(Watches.watch("orders.", now)),
                        at(three));
                Watches.Watched current = watched(of("W2", peers.collect(1, 2000, 0)));
                assertFalse(current.reset(), "an instance started later knows the revision: nothing missed");
                assertEquals(now, current.position());
                peers.send("W2", MessageEncoder.plainDatagram(Watches.watch("orders.", new Position(now.epoch(), 0))), at(three));
                assertTrue(watched(of("W2", peers.collect(1, 2000, 0))).reset(), "but it has no log from before it");
            }
        }
    }

    /**
     * An instance whose subscription is lost misses what is published meanwhile; when it subscribes again (with a
     * snapshot) a watcher from before is told the change or reset, never "nothing missed", and hears later changes.
     */
    @Test
    void aWatcherOfAnInstanceWhoseSubscriptionWasLostIsToldWhatItMissedOrReset() throws Exception {
        try (RedisProcess redis = RedisProcess.start(dir);
             ModstampServer one = instance(redis); ModstampServer two = instance(redis);
             UdpPeers peers = new UdpPeers().add("W", "127.0.0.1").add("P", "127.0.0.1")) {
            peers.send("W", MessageEncoder.plainDatagram(Watches.watch("orders.", Position.NOW)), at(one));
            Position had = watched(of("W", peers.collect(1, 2000, 0))).position();

            try (redis.clients.jedis.Jedis jedis = redis.connect()) {
                jedis.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
            }
            peers.send("P", MessageEncoder.plainDatagram(Message.change("orders.1", "missed?".getBytes())), at(two));
            peers.collect(1, 2000, 0); // its M

            String answer = null;
            for (long deadline = System.nanoTime() + 10_000_000_000L; answer == null && System.nanoTime() < deadline; ) {
                peers.send("W", MessageEncoder.plainDatagram(Watches.watch("orders.", had)), at(one));
                List<Message> got = of("W", peers.collect(1, 1000, 100));
                if (got.stream().anyMatch(m -> m.type() == MessageType.WATCHED)) {
                    Watches.Watched w = watched(got);
                    if (w.reset()) {
                        answer = "reset";
                    } else if (changes(got).contains("orders.1=missed?@" + (had.revision() + 1))) {
                        answer = "told";
                    } // else: one has not heard of it yet
                    if (answer != null) {
                        had = w.position();
                    }
                }
            }
            assertTrue(answer != null, "the watcher at one learned of the change, or was reset");

            peers.send("P", MessageEncoder.plainDatagram(Message.change("orders.2", "after".getBytes())), at(two));
            List<String> after = changes(of("W", peers.collect(2, 3000, 200)));
            assertEquals(List.of("orders.2=after@" + (had.revision() + 1)), after,
                    "subscribed again: the next change is told (" + answer + " before)");
        }
    }
}
