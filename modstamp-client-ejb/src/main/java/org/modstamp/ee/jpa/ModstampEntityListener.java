package org.modstamp.ee.jpa;

import java.util.logging.Logger;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.persistence.PostPersist;
import jakarta.persistence.PostRemove;
import jakarta.persistence.PostUpdate;

import org.modstamp.ee.ModstampPusher;

/**
 * Announces every change of an entity through {@link ModstampPusher}: after the transaction commits, with a
 * fresh value ({@link ModstampPusher#touch}), so every commit is a change; nothing when it rolls back. The id is
 * {@code jpa.<EntityName>.<primaryKey>}, so that an evictor watching {@code jpa.<EntityName>.*} evicts that
 * instance alone; {@code jpa.<EntityName>} for a type annotated {@link ModstampPerType} and where the instance makes
 * no id (see {@link JpaIds}). Several changes of one id in a transaction make one push. A bulk JPQL update or
 * delete runs no listener: announce its type with {@code pusher.touch(JpaIds.ofType(Order.class))} in the same
 * transaction.
 * <p>
 * On an entity: {@code @EntityListeners(ModstampEntityListener.class)}; for every entity, in
 * {@code META-INF/orm.xml}:
 * <pre>{@code
 * <persistence-unit-metadata><persistence-unit-defaults><entity-listeners>
 *   <entity-listener class="org.modstamp.ee.jpa.ModstampEntityListener"/>
 * </entity-listeners></persistence-unit-defaults></persistence-unit-metadata>
 * }</pre>
 * The persistence provider creates the listener with CDI injection (JPA 2.1 and later); where it does not,
 * the pusher is looked up through {@code CDI.current()}.
 */
public class ModstampEntityListener {
    private static final Logger LOG = Logger.getLogger(ModstampEntityListener.class.getName());

    @Inject
    ModstampPusher pusher;

    @PostPersist
    @PostUpdate
    @PostRemove
    public void changed(Object entity) {
        String id = JpaIds.of(entity);
        pusher().touch(id);
        LOG.finer(() -> "modstamp: " + id + " changed; announced after the commit");
    }

    private ModstampPusher pusher() {
        if (pusher == null) {
            pusher = CDI.current().select(ModstampPusher.class).get();
        }
        return pusher;
    }
}
