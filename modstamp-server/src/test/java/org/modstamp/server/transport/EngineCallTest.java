package org.modstamp.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.modstamp.server.engine.OutgoingDatagram;

/** What {@link UdpTransport#call} does with a task: on the engine thread, never from it, and its failures typed. */
class EngineCallTest {
    private static UdpTransport transport() throws IOException {
        return UdpTransport.bind(new InetSocketAddress("127.0.0.1", 0), IoKind.NIO, 1, 2048, new UdpTransport.DatagramSink() {
            @Override
            public void receive(InetSocketAddress sender, ByteBuffer datagram) {
            }

            @Override
            public List<OutgoingDatagram> flush() {
                return List.of();
            }
        }, UdpTransport.defaultThreadFactory(), (datagrams, nanos) -> { });
    }

    @Test
    void aCallFromTheEngineThreadFailsAtOnceInsteadOfWaitingForItself() throws Exception {
        try (UdpTransport transport = transport()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> transport.call(() -> transport.call(() -> 1)));
            assertTrue(e.getMessage().contains("engine thread"), e.getMessage());
            assertEquals(2, transport.call(() -> 2), "and the engine goes on");
        }
    }

    @Test
    void aTaskThatFailsWithACheckedExceptionFailsTheCallWithAnIoException() throws Exception {
        try (UdpTransport transport = transport()) {
            IOException e = assertThrows(IOException.class, () -> transport.call(() -> {
                throw new Exception("the store is down");
            }));
            assertEquals("the store is down", e.getMessage());
        }
    }
}
