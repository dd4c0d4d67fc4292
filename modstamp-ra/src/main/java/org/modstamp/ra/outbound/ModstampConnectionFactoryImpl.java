package org.modstamp.ra.outbound;

import javax.naming.NamingException;
import javax.naming.Reference;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;

import org.modstamp.ra.api.ModstampConnection;
import org.modstamp.ra.api.ModstampConnectionFactory;

/** What an application looks up or injects with {@code @Resource}. */
public class ModstampConnectionFactoryImpl implements ModstampConnectionFactory {
    private static final long serialVersionUID = 1L;

    private final ModstampManagedConnectionFactory factory;
    private final transient ConnectionManager manager;
    private Reference reference;

    ModstampConnectionFactoryImpl(ModstampManagedConnectionFactory factory, ConnectionManager manager) {
        this.factory = factory;
        this.manager = manager;
    }

    @Override
    public ModstampConnection getConnection() throws ResourceException {
        Object connection = manager.allocateConnection(factory, null);
        if (!(connection instanceof ModstampConnection modstamp)) {
            throw new ResourceException("modstamp: the connection manager gave " + connection
                    + " instead of a modstamp connection");
        }
        return modstamp;
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() throws NamingException {
        return reference;
    }
}
