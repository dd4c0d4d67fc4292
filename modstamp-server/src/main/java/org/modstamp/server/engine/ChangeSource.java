package org.modstamp.server.engine;

import java.net.InetSocketAddress;

/** Who made a change, as the list of recent changes shows it; described only when the change is recorded. */
@FunctionalInterface
public interface ChangeSource {
    String describe();

    /** A UDP sender: its address and port. */
    static ChangeSource peer(InetSocketAddress sender) {
        return () -> sender.getAddress().getHostAddress() + ":" + sender.getPort();
    }

    /** An operator, an HTTP client, another instance: what made the change, in words. */
    static ChangeSource named(String what) {
        return () -> what;
    }
}
