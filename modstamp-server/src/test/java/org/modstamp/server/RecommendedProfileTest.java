package org.modstamp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.security.SecurityProfile;
import org.modstamp.security.SecurityProfileLoader;
import org.modstamp.security.SecurityProfiles;
import org.modstamp.server.store.MemoryValueStore;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/**
 * The production profile SECURITY.md recommends, read from SECURITY.md itself: what authenticated producers
 * write is never shown to an unauthenticated reader (no Reply, no Signal), while the ids the profile opens to
 * plain readers are served to them.
 */
class RecommendedProfileTest {
    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 42);
    }

    private ModstampServer server;
    private InetSocketAddress address;

    /** The YAML block under "Recommended production profile" in SECURITY.md, with the test's key. */
    static SecurityProfiles recommended() throws Exception {
        String security = Files.readString(Path.of("..", "SECURITY.md"));
        Matcher block = Pattern.compile("## Recommended production profile\\s+```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(security);
        assertTrue(block.find(), "SECURITY.md has a yaml block under 'Recommended production profile'");
        String yaml = block.group(1).replace("BASE64-32-BYTES", Base64.getEncoder().encodeToString(KEY));
        return SecurityProfileLoader.parse(yaml, SecurityProfileLoader.Format.YAML);
    }

    @BeforeEach
    void start() throws Exception {
        server = ModstampServer.start(ServerConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0))
                .withProfiles(recommended()), new MemoryValueStore());
        address = new InetSocketAddress("127.0.0.1", server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ModstampClient producer() throws Exception {
        SecurityProfile sealed = recommended().entries().stream().filter(p -> p.type().isProtected()).findFirst()
                .orElseThrow();
        return ModstampClient.open(address, ClientConfig.defaults().withRequestTimeout(Duration.ofMillis(500))
                .withProfile(sealed));
    }

    @Test
    void anUnauthenticatedReaderIsNeverShownWhatAuthenticatedProducersWrote() throws Exception {
        try (ModstampClient producer = producer(); UdpPeers reader = new UdpPeers().add("plain", "127.0.0.1")) {
            producer.push(Map.of("orders", "secret-1"));
            reader.send("plain", MessageEncoder.plainDatagram(Message.query("orders")), address);
            List<String> got = reader.collect(1, 1000, 0);
            producer.push(Map.of("orders", "secret-2"));
            got = new java.util.ArrayList<>(got);
            got.addAll(reader.collect(1, 1000, 0)); // a check that nothing comes, bounded
            assertEquals(List.of(), got, "no Reply and no Signal in cleartext");
            assertTrue(server.stats().snapshot().droppedNoPermission() + server.stats().snapshot().queriesRefused() > 0,
                    "the refusal is counted");
        }
    }

    @Test
    void thePublicIdsAreServedToPlainReaders() throws Exception {
        try (ModstampClient producer = producer(); UdpPeers reader = new UdpPeers().add("plain", "127.0.0.1")) {
            producer.push(Map.of("public.status", "ok"));
            reader.send("plain", MessageEncoder.plainDatagram(Message.query("public.status")), address);
            String reply = java.util.HexFormat.of().formatHex(MessageEncoder.plainDatagram(
                    Message.reply("public.status", "ok".getBytes())));
            assertEquals(List.of("plain: " + reply), reader.collect(1, 2000, 0));
        }
    }
}
