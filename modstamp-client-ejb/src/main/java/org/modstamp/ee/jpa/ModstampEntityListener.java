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
 * {@code jpa.<EntityName>}, or {@code jpa.<EntityName>.<primaryKey>} for a type annotated
 * {@link ModstampPerInstance} (see {@link JpaIds}). Several changes of one id in a transaction make one push.
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
