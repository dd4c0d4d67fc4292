package org.modstamp.wildfly.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.modstamp.ee.ModstampPusher;

/** A transactional service that announces its changes through the pusher. */
@ApplicationScoped
public class Orders {
    @Inject
    ModstampPusher pusher;

    @Transactional
    public void changeAndCommit(String id, String value) {
        pusher.push(id, value);
    }

    @Inject
    Event<Announcer.Changed> changed;

    /** Fires an event that an AFTER_SUCCESS observer turns into a push, then commits. */
    @Transactional
    public void announceAndCommit(String id, String value) {
        changed.fire(new Announcer.Changed(id, value));
    }

    @Transactional
    public void changeAndRollBack(String id, String value) {
        pusher.push(id, value);
        throw new IllegalStateException("rolled back on purpose");
    }
}
