package org.modstamp.cli.bench;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.Callable;

import org.modstamp.net.HostPort;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The raw limit: a bare echo loop on one blocking DatagramChannel, one receive and one send a datagram.
 * Point {@code bench qr} at it to see what the machine and the load generator can do without a server.
 */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "Bare UDP echo loop (a baseline for bench qr); runs until stopped.")
final class EchoServer implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:1416", description = "Address (default: ${DEFAULT-VALUE})")
    String listen;

    @Override
    public Integer call() throws Exception {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(HostPort.parse(listen, 1416).resolve());
            System.out.println("echo listening on udp " + channel.getLocalAddress());
            echo(channel);
        }
        return 0;
    }

    /** Sends every datagram back where it came from, until the channel is closed. */
    static void echo(DatagramChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        while (true) {
            buffer.clear();
            SocketAddress from = channel.receive(buffer);
            buffer.flip();
            channel.send(buffer, from);
        }
    }
}
