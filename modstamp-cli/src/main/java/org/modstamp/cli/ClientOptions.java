package org.modstamp.cli;

import java.io.IOException;
import java.time.Duration;

import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.net.HostPort;

import picocli.CommandLine.Option;

/** The options every client command shares. */
final class ClientOptions {
    @Option(names = "--server", paramLabel = "HOST:PORT", defaultValue = "localhost:1415",
            description = "The modstamp server (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--timeout", paramLabel = "MILLIS", defaultValue = "5000",
            description = "Give up on an unanswered request after this long (default: ${DEFAULT-VALUE})")
    long timeoutMillis;

    @Option(names = "--send-repeat", paramLabel = "N", defaultValue = "1",
            description = "Send every datagram N times, for lossy links (default: ${DEFAULT-VALUE})")
    int sendRepeat;

    ClientConfig config() {
        return ClientConfig.defaults().withRequestTimeout(Duration.ofMillis(timeoutMillis)).withSendRepeat(sendRepeat);
    }

    ModstampClient open(ClientConfig config) throws IOException {
        return ModstampClient.open(HostPort.parse(server, 1415).resolve(), config);
    }
}
