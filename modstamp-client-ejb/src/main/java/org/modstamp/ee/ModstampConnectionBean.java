package org.modstamp.ee;

import java.util.Collection;
import java.util.Map;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.resource.ResourceException;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.modstamp.ra.api.ModstampConnection;

/**
 * Synchronous calls for other EJBs and REST resources, through the adapter's connection factory
 * ({@code modstamp.connectionFactory}, default {@code java:app/modstamp}). For pushes that follow a
 * transaction's outcome, use {@link ModstampPusher}.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ModstampConnectionBean {
    private static final ConnectionFactories FACTORIES = new ConnectionFactories();

    @Inject
    @ConfigProperty(name = "modstamp.connectionFactory", defaultValue = "java:app/modstamp")
    String connectionFactory;

    /** The current value of each id, null where it has none. */
    public Map<String, String> get(Collection<String> ids) throws ResourceException {
        try (ModstampConnection connection = FACTORIES.get(connectionFactory).getConnection()) {
            return connection.get(ids);
        } catch (RuntimeException e) { // a timeout or bad input must not roll back the caller's transaction
            throw new ResourceException("modstamp get failed: " + e.getMessage(), e);
        }
    }

    /** Pushes now and waits: the ids the server confirmed, with their values. */
    public Map<String, String> push(Map<String, String> changes) throws ResourceException {
        try (ModstampConnection connection = FACTORIES.get(connectionFactory).getConnection()) {
            return connection.push(changes);
        } catch (RuntimeException e) {
            throw new ResourceException("modstamp push failed: " + e.getMessage(), e);
        }
    }
}
