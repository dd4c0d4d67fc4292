package org.modstamp.ra.outbound;

import java.util.Collection;
import java.util.Map;

import org.modstamp.client.ModstampClient;
import org.modstamp.ra.api.ModstampConnection;

/** The handle an application holds: push and get through the adapter's client. */
final class ModstampConnectionImpl implements ModstampConnection {
    private volatile ModstampManagedConnection managed;
    private final ModstampClient client;
    private volatile boolean closed;

    ModstampConnectionImpl(ModstampManagedConnection managed, ModstampClient client) {
        this.managed = managed;
        this.client = client;
    }

    void associate(ModstampManagedConnection other) {
        this.managed = other;
    }

    @Override
    public Map<String, String> push(Map<String, String> changes) {
        open();
        return client.push(changes);
    }

    @Override
    public Map<String, String> get(Collection<String> ids) {
        open();
        return client.get(ids);
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("this modstamp connection is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            managed.closed(this);
        }
    }
}
