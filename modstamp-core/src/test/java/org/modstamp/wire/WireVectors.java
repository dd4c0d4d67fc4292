package org.modstamp.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The exchanges recorded from the reference server ({@code wire-vectors.json}, copied from shared/protocol). */
public final class WireVectors {
    /** One datagram that came back: the socket it reached and its bytes. */
    public record Received(String to, byte[] bytes) {
    }

    /** One recorded exchange: the bytes a socket sent and what every socket received, in order. */
    public record Case(int number, String name, String from, byte[] sent, List<Received> received) {
        @Override
        public String toString() {
            return "#" + number + " " + name;
        }
    }

    private WireVectors() {
    }

    public static JsonNode json() {
        try (InputStream in = WireVectors.class.getResourceAsStream("/wire-vectors.json")) {
            if (in == null) {
                throw new IllegalStateException("wire-vectors.json is missing from the test resources");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Case> cases() {
        HexFormat hex = HexFormat.of();
        List<Case> cases = new ArrayList<>();
        JsonNode all = json().get("cases");
        for (int i = 0; i < all.size(); i++) {
            JsonNode c = all.get(i);
            List<Received> received = new ArrayList<>();
            for (JsonNode r : c.get("received")) {
                received.add(new Received(r.get("to").asText(), hex.parseHex(r.get("hex").asText())));
            }
            cases.add(new Case(i + 1, c.get("case").asText(), c.get("from").asText(),
                    hex.parseHex(c.get("sent").asText()), received));
        }
        return cases;
    }

    /** The reference encoder's output: description to hex, null where it refused to encode. */
    public static Map<String, String> referenceEncodings() {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        json().get("reference_encodings").fields().forEachRemaining(
                e -> map.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        return map;
    }
}
