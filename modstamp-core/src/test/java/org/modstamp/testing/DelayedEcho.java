package org.modstamp.testing;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The two ends of a mapping check through a {@link NatNetwork}, as child processes. {@code DelayedEcho serve
 * PORT}: answers each datagram {@code MILLIS} with {@code seen ADDRESS:PORT} (its sender as seen) at once and
 * {@code late} after MILLIS, to the same sender. {@code DelayedEcho ask HOST:PORT}: one socket; each stdin line
 * {@code MILLIS} is sent, and every answer printed.
 */
public final class DelayedEcho {
    private DelayedEcho() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            serve(Integer.parseInt(args[1]));
        } else {
            String[] hostPort = args[1].split(":");
            ask(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
        }
    }

    private static void serve(int port) throws Exception {
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try (DatagramSocket socket = new DatagramSocket(port)) {
            System.out.println("echo ready");
            byte[] buffer = new byte[64];
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                long millis = Long.parseLong(new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII));
                SocketAddress sender = packet.getSocketAddress();
                InetSocketAddress seen = (InetSocketAddress) sender;
                send(socket, sender, "seen " + seen.getAddress().getHostAddress() + ":" + seen.getPort());
                later.schedule(() -> send(socket, sender, "late"), millis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static void send(DatagramSocket socket, SocketAddress to, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, to));
        } catch (java.io.IOException e) {
            System.out.println("send failed: " + e);
        }
    }

    private static void ask(InetSocketAddress server) throws Exception {
        try (DatagramSocket socket = new DatagramSocket()) {
            Thread printer = new Thread(() -> {
                byte[] buffer = new byte[64];
                while (!socket.isClosed()) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (java.io.IOException e) {
                        return;
                    }
                    System.out.println(new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII));
                }
            });
            printer.setDaemon(true);
            printer.start();
            System.out.println("asker ready");
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null; ) {
                byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(bytes, bytes.length, server));
            }
        }
    }
}
