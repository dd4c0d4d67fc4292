package org.modstamp.server.transport;

import io.netty.channel.epoll.Epoll;

/** Which socket I/O the transport uses. */
public enum IoKind {
    /** Native epoll where available (Linux), NIO elsewhere. */
    AUTO,
    /** Native epoll: recvmmsg and sendmmsg, many datagrams a system call. Linux only. */
    EPOLL,
    /** Java NIO: one datagram a system call; works everywhere. */
    NIO;

    /** The kind to use here: AUTO resolved; EPOLL fails clearly where it is not available. */
    public IoKind resolve() {
        if (this == AUTO) {
            return Epoll.isAvailable() ? EPOLL : NIO;
        }
        if (this == EPOLL && !Epoll.isAvailable()) {
            Throwable cause = Epoll.unavailabilityCause();
            throw new IllegalArgumentException("native epoll is not available here ("
                    + (cause == null ? "not Linux x86_64?" : cause) + "): use NIO or AUTO");
        }
        return this;
    }
}
