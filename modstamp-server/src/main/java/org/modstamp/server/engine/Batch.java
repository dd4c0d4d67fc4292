package org.modstamp.server.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effects of a group of datagrams handled together: the changes to make durable, and the
 * datagrams to send once they are. Later datagrams of a batch see the changes of earlier ones.
 */
public final class Batch {
    final Map<String, byte[]> changes = new LinkedHashMap<>();
    /** Where each change came from: a sender's address, or what made it. */
    final Map<String, String> sources = new LinkedHashMap<>();
    final List<OutgoingDatagram> outgoing = new ArrayList<>();

    public boolean isEmpty() {
        return changes.isEmpty() && outgoing.isEmpty();
    }

    void clear() {
        changes.clear();
        sources.clear();
        outgoing.clear();
    }
}
