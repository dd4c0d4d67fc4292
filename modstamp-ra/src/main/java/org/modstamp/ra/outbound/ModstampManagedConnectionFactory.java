package org.modstamp.ra.outbound;

import java.io.PrintWriter;
import java.util.Objects;
import java.util.Set;

import javax.security.auth.Subject;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;

import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;
import org.modstamp.ra.ClientPool;
import org.modstamp.ra.ModstampResourceAdapter;
import org.modstamp.ra.Placeholders;
import org.modstamp.ra.api.ModstampConnection;
import org.modstamp.ra.api.ModstampConnectionFactory;

/** Outbound connections to one modstamp server, sent through the adapter's own client and socket. */
@ConnectionDefinition(connectionFactory = ModstampConnectionFactory.class,
        connectionFactoryImpl = ModstampConnectionFactoryImpl.class,
        connection = ModstampConnection.class,
        connectionImpl = ModstampConnectionImpl.class)
public class ModstampManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation {
    private static final long serialVersionUID = 1L;

    @ConfigProperty(defaultValue = "localhost:1415", description = "The modstamp server, host:port")
    private String server = "localhost:1415";

    private transient ModstampResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;

    @Override
    public Object createConnectionFactory(ConnectionManager manager) throws ResourceException {
        return new ModstampConnectionFactoryImpl(this, manager);
    }

    @Override
    public Object createConnectionFactory() throws ResourceException {
        throw new ResourceException("modstamp: connections are only available inside an application server");
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        return new ModstampManagedConnection(this);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set connections, Subject subject, ConnectionRequestInfo info) {
        for (Object candidate : connections) {
            if (candidate instanceof ModstampManagedConnection mc && mc.factory().equals(this)) {
                return mc;
            }
        }
        return null;
    }

    /** The adapter's shared clients; fails clearly when this factory is not associated with a started adapter. */
    ClientPool clients() throws ResourceException {
        if (resourceAdapter == null) {
            throw new ResourceException("modstamp: this connection factory is not associated with the modstamp "
                    + "resource adapter (deploy modstamp-ra.rar and define the factory on it)");
        }
        return resourceAdapter.clients();
    }

    public String getServer() {
        return server;
    }

    /** The server, host:port; {@code ${property}} and {@code ${ENV=NAME}} placeholders are resolved. */
    public void setServer(String server) {
        String resolved = Placeholders.resolve(server);
        HostPort.parse(resolved, Protocol.DEFAULT_PORT);
        this.server = resolved;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof ModstampResourceAdapter modstamp)) {
            throw new ResourceException("modstamp: not the modstamp resource adapter: " + ra);
        }
        this.resourceAdapter = modstamp;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModstampManagedConnectionFactory other && Objects.equals(server, other.server);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(server);
    }
}
