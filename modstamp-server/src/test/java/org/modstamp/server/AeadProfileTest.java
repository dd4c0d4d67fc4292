package org.modstamp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.security.Aead;
import org.modstamp.security.AeadSender;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/** The encrypted profile between this project's client and server, and what it refuses. */
class AeadProfileTest {
    private static final byte[] OLD_KEY = key(1);
    private static final byte[] NEW_KEY = key(2);
    private static final byte[] WRONG_KEY = key(3);

    private ModstampServer server;
    private InetSocketAddress address;

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) seed);
        key[0] = (byte) (seed * 7);
        return key;
    }

    @BeforeEach
    void start() throws Exception {
        // a key rotation in progress: the new key first, the old one still accepted; plain refused entirely
        SecurityProfiles profiles = new SecurityProfiles(List.of(
                SecurityProfile.aead("ops", Permission.DEFAULT, NEW_KEY, OLD_KEY),
                SecurityProfile.plain(Permission.NONE)));
        server = ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0))
                .withProfiles(profiles), new MemoryValueStore());
        address = new InetSocketAddress("127.0.0.1", server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ModstampClient client(byte[]... keys) throws Exception {
        return ModstampClient.open(address, ClientConfig.defaults().withRequestTimeout(Duration.ofMillis(500))
                .withProfile(SecurityProfile.aead("ops", Permission.DEFAULT, keys)));
    }

    @Test
    void encryptedClientsPushGetAndListenWithEitherKeyOfARotation() throws Exception {
        try (ModstampClient producer = client(NEW_KEY); ModstampClient listener = client(OLD_KEY)) {
            assertEquals(Map.of("secret", "1"), producer.push(Map.of("secret", "1")));
            assertEquals(Map.of("secret", "1"), listener.get(List.of("secret")));
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            listener.listen(Map.of("secret", "1"), (id, value) -> seen.add(id + "=" + value));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (server.stats().snapshot().queries() < 2) { // the get's Query, then the listen's: it is registered
                assertTrue(System.nanoTime() < deadline, "the listen's Query never reached the server");
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            producer.push(Map.of("secret", "2"));
            assertEquals("secret=2", seen.poll(3, TimeUnit.SECONDS), "the Signal is sealed with the listener's key");
        }
    }

    @Test
    void tamperedWrongKeyReplayedStaleAndPlainDatagramsAreDroppedAndCounted() throws Exception {
        SecurityProfile ops = SecurityProfile.aead("ops", Permission.DEFAULT, OLD_KEY);
        SecurityProfile wrong = SecurityProfile.aead("ops", Permission.DEFAULT, WRONG_KEY);
        byte[] change = java.util.Arrays.copyOfRange(MessageEncoder.plainDatagram(Message.change("v", "evil".getBytes())), 1,
                MessageEncoder.plainDatagram(Message.change("v", "evil".getBytes())).length);
        long now = System.currentTimeMillis();
        try (UdpPeers peers = new UdpPeers().add("A", "127.0.0.1")) {
            AeadSender sender = new AeadSender(ops, Aead.Direction.REQUEST);
            byte[] tampered = sender.seal(change, now).datagram();
            tampered[tampered.length - 20] ^= 1;
            peers.send("A", tampered, address);
            peers.send("A", new AeadSender(wrong, Aead.Direction.REQUEST).seal(change, now).datagram(), address);
            peers.send("A", sender.seal(change, now - 60_000).datagram(), address);
            peers.send("A", MessageEncoder.plainDatagram(Message.change("v", "evil".getBytes())), address);
            assertEquals(List.of(), peers.collect(0, 500, 300), "nothing answered");
            awaitDrops(4);
            assertEquals(2, server.stats().snapshot().droppedUnauthenticated(), "tampered and wrong key");
            assertEquals(1, server.stats().snapshot().droppedReplay(), "stale timestamp");
            assertEquals(1, server.stats().snapshot().droppedNoPermission(), "plain: none");

            byte[] genuine = sender.seal(change, now).datagram();
            peers.send("A", genuine, address);
            assertEquals(1, peers.collect(1, 2000, 100).size(), "a genuine C is answered");
            peers.send("A", genuine, address);
            assertEquals(List.of(), peers.collect(0, 500, 300), "its replay is not");
            awaitDrops(5);
            assertEquals(2, server.stats().snapshot().droppedReplay());
        }
        try (ModstampClient reader = client(NEW_KEY)) {
            assertEquals("evil", reader.get(List.of("v")).get("v"), "only the genuine change was made");
        }
    }

    /** Until the server has dropped {@code count} datagrams in all (it reads them on its own thread), or 5 s. */
    private void awaitDrops(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (dropped(server.stats().snapshot()) < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static long dropped(ServerStats.Snapshot stats) {
        return stats.droppedUnauthenticated() + stats.droppedReplay() + stats.droppedNoPermission();
    }

    @Test
    void aPlainClientGetsNothingFromAServerThatRefusesPlain() throws Exception {
        try (ModstampClient plain = ModstampClient.open(address, ClientConfig.defaults().withRequestTimeout(Duration.ofMillis(300)))) {
            assertEquals(Map.of(), plain.push(Map.of("x", "1")));
        }
        try (ModstampClient reader = client(NEW_KEY)) {
            assertNull(reader.get(List.of("x")).get("x"));
        }
    }

    @Test
    void aMaxPacketSizeWithoutRoomForTheAeadOverheadIsRefusedWhenTheConfigurationIsRead() {
        SecurityProfiles profiles = new SecurityProfiles(List.of(SecurityProfile.aead("ops", Permission.DEFAULT, NEW_KEY)));
        int min = org.modstamp.wire.DatagramPacker.MAX_MESSAGE_LENGTH + Aead.overhead(profiles.entries().get(0));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.defaults().withMaxPacketSize(min - 1).withProfiles(profiles));
        assertTrue(e.getMessage().contains("at least " + min), e.getMessage());
        assertEquals(min, ServerConfig.defaults().withMaxPacketSize(min).withProfiles(profiles).maxPacketSize());
    }

    @Test
    void keysNeverShowInToString() {
        SecurityProfile ops = SecurityProfile.aead("ops", Permission.DEFAULT, NEW_KEY);
        assertTrue(ops.toString().contains("1 key(s) redacted") && !ops.toString().contains("[B"), ops.toString());
    }
}
