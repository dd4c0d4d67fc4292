package org.modstamp.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.modstamp.client.ModstampClient;

/**
 * A producer for tests in other processes: {@code LinePusher HOST:PORT} pushes each {@code id=value} line of
 * its stdin and prints {@code confirmed id=value} when the server confirmed it, {@code unconfirmed id=value}
 * when it did not within the request timeout.
 */
public final class LinePusher {
    private LinePusher() {
    }

    public static void main(String[] args) throws Exception {
        try (ModstampClient client = ModstampClient.open(args[0]);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println("pusher ready");
            for (String line; (line = in.readLine()) != null; ) {
                int eq = line.indexOf('=');
                String id = line.substring(0, eq);
                String value = line.substring(eq + 1);
                boolean confirmed = value.equals(client.push(Map.of(id, value)).get(id));
                System.out.println((confirmed ? "confirmed " : "unconfirmed ") + line);
            }
        }
    }
}
