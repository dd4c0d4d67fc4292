package org.modstamp.cli.nat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

/**
 * Many plain listeners of one id in one process, for a fan-out test in another namespace: {@code ManyListeners
 * HOST:PORT ID N} registers N sockets (a Query each, asked again until answered) and prints {@code registered N},
 * then for each line {@code VALUE} of its stdin reads every socket's datagrams for up to 20 s in all and prints
 * {@code signalled K of N VALUE}: how many sockets got a Signal of that value.
 */
public final class ManyListeners {
    private ManyListeners() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = HostPort.parse(args[0], Protocol.DEFAULT_PORT).resolve();
        String id = args[1];
        int count = Integer.parseInt(args[2]);
        List<DatagramSocket> sockets = new ArrayList<>();
        byte[] query = MessageEncoder.plainDatagram(Message.query(id));
        byte[] buffer = new byte[2048];
        for (int i = 0; i < count; i++) {
            DatagramSocket socket = new DatagramSocket();
            socket.setReceiveBufferSize(64 * 1024);
            socket.setSoTimeout(200);
            sockets.add(socket);
            for (int attempt = 0; ; attempt++) {
                socket.send(new DatagramPacket(query, query.length, server));
                try {
                    socket.receive(new DatagramPacket(buffer, buffer.length));
                    break;
                } catch (SocketTimeoutException e) {
                    if (attempt == 20) {
                        throw new IllegalStateException("listener " + i + " got no Reply");
                    }
                }
            }
        }
        System.out.println("registered " + count);
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        for (String value; (value = in.readLine()) != null; ) {
            byte[] wanted = value.getBytes(StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + 20_000_000_000L;
            int signalled = 0;
            for (DatagramSocket socket : sockets) {
                if (awaitSignal(socket, wanted, buffer, deadline)) {
                    signalled++;
                }
            }
            System.out.println("signalled " + signalled + " of " + count + " " + value);
        }
    }

    /**
     * Whether a Signal carrying {@code value} comes to {@code socket} before {@code deadline}, or is already there
     * after it (each socket is looked at, so that the count is exact when some were missed).
     */
    private static boolean awaitSignal(DatagramSocket socket, byte[] value, byte[] buffer, long deadline)
            throws Exception {
        for (;;) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return false;
            }
            if (packet.getLength() > 1 && buffer[1] == 'S' && contains(buffer, packet.getLength(), value)) {
                return true;
            }
        }
    }

    private static boolean contains(byte[] datagram, int length, byte[] value) {
        outer:
        for (int at = 0; at + value.length <= length; at++) {
            for (int i = 0; i < value.length; i++) {
                if (datagram[at + i] != value[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
