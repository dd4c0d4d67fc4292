package org.modstamp.server.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.modstamp.server.MutableClock;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;
import org.modstamp.server.registry.ListenerRegistry;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.server.store.ValueStore;
import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageType;
import org.modstamp.wire.WireVectors;

/**
 * Random and mutated datagrams against the handler, checked by an oracle written from the protocol
 * text independently of the decoder: nothing throws, nothing is answered that the protocol does not
 * allow, and only well-formed C messages from a rw sender change stored values.
 */
class HandlerFuzzTest {
    /** CI runs 300,000; the long campaign of SECURITY.md sets -Dmodstamp.fuzz.rounds=10000000. */
    private static final int ROUNDS = Integer.getInteger("modstamp.fuzz.rounds", 300_000);
    private static final byte[] ID_CHARS = "abcXYZ019_.:-".getBytes();
    private static final InetSocketAddress[] RW = {
        new InetSocketAddress("127.0.0.1", 7001), new InetSocketAddress("127.0.0.1", 7002)};
    private static final InetSocketAddress[] RO = {
        new InetSocketAddress("127.0.0.2", 7001), new InetSocketAddress("10.1.2.3", 9)};

    /** A store that remembers every change it was asked to make. */
    private static final class RecordingStore implements ValueStore {
        final MemoryValueStore values = new MemoryValueStore();
        final Map<String, byte[]> written = new LinkedHashMap<>();

        @Override
        public byte[] get(String id) {
            return values.get(id);
        }

        @Override
        public long putAll(Map<String, byte[]> changes) {
            written.putAll(changes);
            return values.putAll(changes);
        }

        @Override
        public org.modstamp.wire.Watches.Position position() {
            return values.position();
        }

        @Override
        public int size() {
            return values.size();
        }

        @Override
        public void forEach(java.util.function.BiConsumer<String, byte[]> action) {
            values.forEach(action);
        }

        @Override
        public void close() {
        }
    }

    /** What the protocol text says about one datagram: null when it must be dropped whole. */
    private record Expected(List<String[]> queries, List<String[]> changes) {
    }

    @Test
    void randomAndMutatedDatagramsNeverBreakTheRules() {
        Random random = new Random(20261126);
        RecordingStore store = new RecordingStore();
        DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withClock(new MutableClock()), store,
                new ListenerRegistry(300));
        List<byte[]> seeds = new ArrayList<>();
        WireVectors.cases().forEach(c -> seeds.add(c.sent()));
        Map<String, byte[]> model = new HashMap<>();
        Map<String, Set<InetSocketAddress>> listeners = new HashMap<>();
        int answered = 0;
        int changed = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] datagram = switch (random.nextInt(4)) {
                case 0 -> randomBytes(random);
                case 1 -> wellFormed(random);
                default -> mutate(random, random.nextBoolean() ? seeds.get(random.nextInt(seeds.size()))
                        : wellFormed(random));
            };
            if (random.nextInt(50) == 0) {
                seeds.add(datagram);
            }
            boolean rw = random.nextBoolean();
            InetSocketAddress sender = (rw ? RW : RO)[random.nextInt(2)];
            Expected expected = oracle(datagram);
            store.written.clear();
            List<OutgoingDatagram> out;
            try {
                out = handler.handleOne(sender, ByteBuffer.wrap(datagram));
            } catch (RuntimeException e) {
                throw new AssertionError("handler threw on " + hex(datagram), e);
            }
            // what the store was asked to write: exactly the changed values of well-formed C from rw senders
            Map<String, byte[]> expectedWrites = new LinkedHashMap<>();
            Map<String, byte[]> signalled = new LinkedHashMap<>();
            if (expected != null && rw) {
                for (String[] c : expected.changes) {
                    byte[] value = c[1].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    byte[] before = model.getOrDefault(c[0], ValueStore.NONE);
                    if (!Arrays.equals(before, value)) {
                        expectedWrites.put(c[0], value);
                        signalled.put(c[0] + "/" + signalled.size(), value);
                    }
                    model.put(c[0], value);
                }
            }
            assertEquals(expectedWrites.keySet(), store.written.keySet(), "writes for " + hex(datagram));
            expectedWrites.forEach((id, v) -> assertArrayEquals(v, store.written.get(id), id));
            changed += expectedWrites.size();
            checkOutput(datagram, sender, rw, expected, out, listeners, signalled.size());
            if (!out.isEmpty()) {
                answered++;
            }
            if (expected != null) {
                for (String[] q : expected.queries) {
                    if (q[2].equals("P")) {
                        continue; // a PROBE registers nothing
                    }
                    listeners.computeIfAbsent(q[0], k -> new HashSet<>()).add(sender);
                }
            }
        }
        assertTrue(answered > ROUNDS / 10, "enough datagrams were answered to mean something: " + answered);
        assertTrue(changed > 1000, "enough values changed: " + changed);
    }

    private static void checkOutput(byte[] datagram, InetSocketAddress sender, boolean rw, Expected expected,
                                    List<OutgoingDatagram> out, Map<String, Set<InetSocketAddress>> listeners,
                                    int changes) {
        if (expected == null) {
            assertEquals(List.of(), out, "a malformed datagram got an answer: " + hex(datagram));
            return;
        }
        List<MessageType> replyTypes = new ArrayList<>();
        int signals = 0;
        Set<String> confirmed = new HashSet<>(); // id=value of each Modified sent so far
        for (OutgoingDatagram d : out) {
            assertTrue(d.bytes().length <= 1300, "datagram longer than maxPacketSize");
            ByteBuffer b = ByteBuffer.wrap(d.bytes());
            assertEquals(DatagramHeader.PLAIN, DatagramHeader.read(b).orElseThrow());
            List<Message> messages = MessageDecoder.decode(b).orElseThrow();
            if (messages.size() == 1 && messages.get(0).type() == MessageType.SIGNAL) {
                String id = messages.get(0).id();
                assertTrue(!confirmed.contains(id + "=" + hex(messages.get(0).value())),
                        "a Signal after the Modified of its change: " + hex(datagram));
                assertTrue(listeners.getOrDefault(id, Set.of()).contains(d.recipient()),
                        "Signal to a non-listener " + d.recipient() + " for " + id);
                signals++;
                continue;
            }
            assertEquals(sender, d.recipient(), "a reply went elsewhere than to the sender");
            for (Message m : messages) {
                replyTypes.add(m.type());
                if (m.type() == MessageType.MODIFIED) {
                    confirmed.add(m.id() + "=" + hex(m.value()));
                }
            }
        }
        List<MessageType> expectedReplyTypes = new ArrayList<>();
        for (String[] m : expected.queries.isEmpty() && expected.changes.isEmpty() ? List.<String[]>of() : order(expected)) {
            if (m[2].equals("Q")) {
                expectedReplyTypes.add(MessageType.REPLY);
            } else if (m[2].equals("P")) {
                expectedReplyTypes.add(MessageType.OBSERVED);
            } else if (rw) {
                expectedReplyTypes.add(MessageType.MODIFIED);
            }
        }
        assertEquals(expectedReplyTypes, replyTypes, "replies to " + hex(datagram));
        if (changes == 0) {
            assertEquals(0, signals, "Signals without a change: " + hex(datagram));
        }
    }

    private static List<String[]> order(Expected e) {
        List<String[]> all = new ArrayList<>(e.queries);
        all.addAll(e.changes);
        all.sort((a, b) -> Integer.compare(Integer.parseInt(a[3]), Integer.parseInt(b[3])));
        return all;
    }

    /** The protocol text, read independently of MessageDecoder: [id, value, kind, position] per message. */
    private static Expected oracle(byte[] d) {
        if (d.length == 0 || d.length > ServerConfig.MAX_REQUEST_SIZE) {
            return null;
        }
        int hlen = d[0] & 0xFF;
        if (1 + hlen > d.length || (hlen > 0 && d[1] != 'p')) {
            return null;
        }
        List<String[]> queries = new ArrayList<>();
        List<String[]> changes = new ArrayList<>();
        int at = 1 + hlen;
        int position = 0;
        while (at < d.length) {
            if (d.length - at < 2) {
                return null;
            }
            int desc = d[at] & 0xFF;
            int argc = d[at + 1] & 0xFF;
            at += 2;
            List<String> args = new ArrayList<>();
            for (int i = 0; i < argc; i++) {
                if (at >= d.length || at + 1 + (d[at] & 0xFF) > d.length) {
                    return null;
                }
                int len = d[at] & 0xFF;
                args.add(new String(d, at + 1, len, java.nio.charset.StandardCharsets.ISO_8859_1));
                at += 1 + len;
            }
            if (args.isEmpty() || !args.get(0).matches("[0-9A-Za-z_.:-]{1,255}")) {
                continue;
            }
            if (desc == 'Q' && argc == 1) {
                queries.add(new String[] {args.get(0), "", "Q", String.valueOf(position++)});
            } else if (desc == 'P' && argc == 2 && args.get(1).length() == 4) { // mapping probe: an OBSERVED answers
                queries.add(new String[] {args.get(0), "", "P", String.valueOf(position++)});
            } else if (desc == 'C' && argc == 2) {
                changes.add(new String[] {args.get(0), args.get(1), "C", String.valueOf(position++)});
            }
        }
        return new Expected(queries, changes);
    }

    /**
     * Sealed datagrams (the encrypted profile) with bits flipped, bytes changed, cut or extended: none is
     * ever opened, answered, or changes a value, whatever its sender.
     */
    @Test
    void mutatedSealedDatagramsNeverGetThrough() {
        Random random = new Random(8);
        byte[] key = new byte[32];
        random.nextBytes(key);
        org.modstamp.security.SecurityProfile ops = org.modstamp.security.SecurityProfile.aead("ops",
                org.modstamp.security.Permission.DEFAULT, key);
        RecordingStore store = new RecordingStore();
        ServerStats stats = new ServerStats();
        MutableClock clock = new MutableClock();
        DatagramHandler handler = new DatagramHandler(ServerConfig.defaults().withClock(clock).withProfiles(
                new org.modstamp.security.SecurityProfiles(List.of(ops,
                        org.modstamp.security.SecurityProfile.plain(org.modstamp.security.Permission.READ_ONLY)))),
                store, new ListenerRegistry(300), stats);
        int rounds = ROUNDS / 3;
        org.modstamp.security.AeadSender sealer = new org.modstamp.security.AeadSender(ops,
                org.modstamp.security.Aead.Direction.REQUEST);
        for (int round = 0; round < rounds; round++) {
            byte[] genuine = wellFormed(random);
            byte[] sealed = sealer.seal(Arrays.copyOfRange(genuine, 1, genuine.length), clock.epochMillis())
                    .datagram();
            byte[] mutated = mutate(random, sealed);
            if (Arrays.equals(mutated, sealed)) {
                continue;
            }
            store.written.clear();
            List<OutgoingDatagram> out;
            try {
                out = handler.handleOne(RW[random.nextInt(2)], ByteBuffer.wrap(mutated));
            } catch (RuntimeException e) {
                throw new AssertionError("handler threw on " + hex(mutated), e);
            }
            assertEquals(Map.of(), store.written, "a mutated sealed datagram changed a value: " + hex(mutated));
            if (mutated.length > 0 && mutated[0] == 4 && mutated.length > 1 && mutated[1] == 'a') {
                assertEquals(List.of(), out, "a mutated sealed datagram was answered: " + hex(mutated));
            }
        }
        assertTrue(stats.snapshot().droppedUnauthenticated() > rounds / 2, "most were refused as unauthentic: "
                + stats.snapshot().droppedUnauthenticated());
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(40)];
        random.nextBytes(b);
        if (b.length > 0 && random.nextBoolean()) {
            b[0] = 0;
        }
        return b;
    }

    private static byte[] wellFormed(Random random) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.put((byte) 0);
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            char type = "QQCCRMSX".charAt(random.nextInt(8));
            b.put((byte) type);
            boolean two = type != 'Q' && type != 'X';
            b.put((byte) (two ? 2 : 1));
            byte[] id = new byte[1 + random.nextInt(random.nextInt(10) == 0 ? 255 : 3)];
            for (int j = 0; j < id.length; j++) {
                id[j] = ID_CHARS[random.nextInt(random.nextInt(20) == 0 ? ID_CHARS.length : 3)];
            }
            b.put((byte) id.length).put(id);
            if (two) {
                byte[] value = new byte[random.nextInt(3)];
                random.nextBytes(value);
                b.put((byte) value.length).put(value);
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private static byte[] mutate(Random random, byte[] seed) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 2 -> {
                    byte[] longer = Arrays.copyOf(b, b.length + 1 + random.nextInt(4));
                    for (int i = b.length; i < longer.length; i++) {
                        longer[i] = (byte) random.nextInt(256);
                    }
                    b = longer;
                }
                default -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) "QCRMSp\0\1\2\u00ff".charAt(random.nextInt(10));
                    }
                }
            }
        }
        return b;
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
