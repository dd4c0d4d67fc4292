package org.modstamp.ra.outbound;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;

import org.modstamp.client.ModstampClient;

/**
 * A pooled handle on the adapter's client for one server. It holds no socket of its own: the client,
 * and its socket, belong to the adapter.
 */
final class ModstampManagedConnection implements ManagedConnection {
    private final ModstampManagedConnectionFactory factory;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private PrintWriter logWriter;

    ModstampManagedConnection(ModstampManagedConnectionFactory factory) {
        this.factory = factory;
    }

    ModstampManagedConnectionFactory factory() {
        return factory;
    }

    ModstampClient client() throws ResourceException {
        try {
            return factory.clients().client(factory.getServer());
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new ResourceException("modstamp: cannot reach " + factory.getServer() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        return new ModstampConnectionImpl(this, client());
    }

    void closed(ModstampConnectionImpl handle) {
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        listeners.forEach(l -> l.connectionClosed(event));
    }

    @Override
    public void destroy() {
        listeners.clear();
    }

    @Override
    public void cleanup() {
        // handles keep no state
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof ModstampConnectionImpl handle)) {
            throw new ResourceException("modstamp: not a modstamp connection: " + connection);
        }
        handle.associate(this);
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("modstamp connections are not transactional (use ModstampPusher for after-commit pushes)");
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("modstamp connections are not transactional (use ModstampPusher for after-commit pushes)");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "modstamp";
            }

            @Override
            public String getEISProductVersion() {
                return "1";
            }

            @Override
            public int getMaxConnections() {
                return 0;
            }

            @Override
            public String getUserName() {
                return "";
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }
}
