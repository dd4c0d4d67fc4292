package org.modstamp.ee;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.resource.ResourceException;

import org.modstamp.ra.api.ModstampConnectionFactory;

/** The adapter's connection factories by JNDI name, looked up once (on an application thread). */
final class ConnectionFactories {
    private final Map<String, ModstampConnectionFactory> byName = new ConcurrentHashMap<>();

    ModstampConnectionFactory get(String jndiName) throws ResourceException {
        ModstampConnectionFactory factory = byName.get(jndiName);
        if (factory != null) {
            return factory;
        }
        try {
            Object found = new InitialContext().lookup(jndiName);
            if (!(found instanceof ModstampConnectionFactory modstamp)) {
                throw new ResourceException("modstamp: " + jndiName + " is " + found
                        + ", not a ModstampConnectionFactory (is modstamp-ra.rar deployed before the application?)");
            }
            byName.put(jndiName, modstamp);
            return modstamp;
        } catch (NamingException e) {
            throw new ResourceException("modstamp: no connection factory at " + jndiName + " (define one with "
                    + "@ConnectionFactoryDefinition on modstamp-ra, or set modstamp.connectionFactories)", e);
        }
    }
}
