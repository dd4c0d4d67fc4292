package org.modstamp.ee.jpa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.annotation.PostConstruct;
import jakarta.persistence.EntityManagerFactory;

import org.eclipse.microprofile.config.ConfigProvider;
import org.modstamp.ee.ModstampEventBridge;
import org.modstamp.ra.api.ModstampChange;

/**
 * Keeps the JPA shared caches of this instance coherent with the commits of every other instance: for each change
 * of a {@code jpa.} id (see {@link ModstampEntityListener}) it evicts the entity type ({@code jpa.<EntityName>}) or
 * the one instance ({@code jpa.<EntityName>.<primaryKey>}) from the shared cache of its persistence units, then
 * fires the CDI event as {@link ModstampEventBridge} does (for caches of the application's own). Other ids only
 * fire the event. An application enables it with a message-driven bean that names the ids:
 *
 * <pre>{@code
 * @MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
 *     @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
 *     @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.server}"),
 *     @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "jpa.Order.*,jpa.Order")})
 * @PersistenceUnit(name = "modstamp/cache")
 * public class CacheEvictor extends ModstampCacheEvictor { }
 * }</pre>
 *
 * The persistence units are the EntityManagerFactories at the JNDI names of the MicroProfile Config property
 * {@code modstamp.cache.persistenceUnits} (comma separated), by default {@code java:comp/env/modstamp/cache}:
 * what {@code @PersistenceUnit(name = "modstamp/cache")} on the bean declares (add {@code unitName} when the
 * application has several). Override {@link #persistenceUnits()} to give them otherwise.
 * <p>
 * The bean watches {@code jpa.Order.*} (every instance, as the listener announces them) and listens to
 * {@code jpa.Order} (the whole type: bulk updates, {@link ModstampPerType}, keys that make no id). A reset of a
 * watched prefix (the server cannot tell what changed while the bean was away) evicts every type under it.
 * <p>
 * Coalescing is safe: what is evicted depends on the id alone, never on the value. The instance whose own commit
 * made the change evicts too: its cache is already up to date, and evicting costs one reload from the database,
 * which is cheaper than telling its own changes apart (an instance does not know which commit a value came from).
 */
public abstract class ModstampCacheEvictor extends ModstampEventBridge {
    /** The MicroProfile Config property naming the persistence units. */
    public static final String PERSISTENCE_UNITS = "modstamp.cache.persistenceUnits";
    public static final String DEFAULT_PERSISTENCE_UNIT = "java:comp/env/modstamp/cache";
    private static final Logger LOG = Logger.getLogger(ModstampCacheEvictor.class.getName());

    private CacheEviction eviction;

    @PostConstruct
    void findPersistenceUnits() {
        eviction = new CacheEviction(persistenceUnits());
    }

    /** The persistence units to evict from; by default those named by {@value #PERSISTENCE_UNITS}. */
    protected List<EntityManagerFactory> persistenceUnits() {
        String names = ConfigProvider.getConfig().getOptionalValue(PERSISTENCE_UNITS, String.class)
                .orElse(DEFAULT_PERSISTENCE_UNIT);
        return lookup(getClass().getName(), names, name -> new InitialContext().lookup(name));
    }

    /** Looks a name up in JNDI. */
    interface Jndi {
        Object lookup(String name) throws NamingException;
    }

    /** The EntityManagerFactories at {@code names} (comma separated); fails naming the setting and the fix. */
    static List<EntityManagerFactory> lookup(String bean, String names, Jndi jndi) {
        List<EntityManagerFactory> units = new ArrayList<>();
        for (String name : Arrays.stream(names.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            Object found;
            try {
                found = jndi.lookup(name);
            } catch (NamingException e) {
                throw new IllegalStateException("modstamp: " + bean + " has no persistence unit at " + name + " ("
                        + PERSISTENCE_UNITS + "): put @PersistenceUnit(name = \"modstamp/cache\") on the bean, or set "
                        + PERSISTENCE_UNITS + " to the JNDI names of its EntityManagerFactories", e);
            }
            if (!(found instanceof EntityManagerFactory unit)) {
                throw new IllegalStateException("modstamp: " + name + " (" + PERSISTENCE_UNITS + ") is " + found
                        + ", not an EntityManagerFactory");
            }
            units.add(unit);
        }
        if (units.isEmpty()) {
            throw new IllegalStateException("modstamp: " + PERSISTENCE_UNITS + " names no persistence unit");
        }
        return units;
    }

    @Override
    public void onModstampChange(ModstampChange change) {
        List<String> evicted = change.reset() ? eviction.evictUnder(change.id().substring(0, change.id().length() - 1))
                : eviction.evict(change.id());
        if (!evicted.isEmpty()) {
            LOG.fine(() -> "modstamp: " + change.id() + " changed; evicted " + evicted);
        }
        super.onModstampChange(change);
    }
}
