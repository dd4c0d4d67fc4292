package org.modstamp.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;
import org.modstamp.security.Keys;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;

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

    @Option(names = "--aead-id", paramLabel = "ID",
            description = "Talk through the encrypted profile of this id (with --aead-key-file)")
    String aeadId;

    @Option(names = "--aead-key-file", paramLabel = "FILE",
            description = "File holding the profile's key in base64 (keys never go on the command line)")
    Path aeadKeyFile;

    ClientConfig config() {
        ClientConfig config = ClientConfig.defaults().withRequestTimeout(Duration.ofMillis(timeoutMillis))
                .withSendRepeat(sendRepeat);
        if (aeadId == null && aeadKeyFile == null) {
            return config;
        }
        if (aeadId == null || aeadKeyFile == null) {
            throw new IllegalArgumentException("--aead-id and --aead-key-file go together");
        }
        return config.withProfile(SecurityProfile.aead(aeadId, Permission.DEFAULT, Keys.read(aeadKeyFile)));
    }

    ModstampClient open(ClientConfig config) throws IOException {
        return ModstampClient.open(HostPort.parse(server, Protocol.DEFAULT_PORT).resolve(), config);
    }
}
