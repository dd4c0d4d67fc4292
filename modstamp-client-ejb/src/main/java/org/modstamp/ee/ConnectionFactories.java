package org.modstamp.ee;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.resource.ResourceException;

import org.modstamp.ra.api.ModstampConnectionFactory;

/** The adapter's connection factories by JNDI name, looked up once (on an application thread). */
class ConnectionFactories {
    private final Map<String, ModstampConnectionFactory> byName = new ConcurrentHashMap<>();

    ModstampConnectionFactory get(String jndiName) throws ResourceException {
        ModstampConnectionFactory factory = byName.get(jndiName);
        if (factory != null) {
            return factory;
        }
        factory = lookup(jndiName);
        byName.put(jndiName, factory);
        return factory;
    }

    /** The factory bound at {@code jndiName}; the message says what to check when there is none. */
    ModstampConnectionFactory lookup(String jndiName) throws ResourceException {
        try {
            Object found = new InitialContext().lookup(jndiName);
            if (!(found instanceof ModstampConnectionFactory modstamp)) {
                throw new ResourceException("modstamp: " + jndiName + " is " + found
                        + ", not a ModstampConnectionFactory (is modstamp-ra.rar deployed before the application?)");
            }
            return modstamp;
        } catch (NamingException e) {
            throw new ResourceException("modstamp: no connection factory at " + jndiName + " (define one with "
                    + "@ConnectionFactoryDefinition on modstamp-ra, or set modstamp.connectionFactories)", e);
        }
    }
}
