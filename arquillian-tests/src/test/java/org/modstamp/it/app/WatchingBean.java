package org.modstamp.it.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;

import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/** Watches every id under {@code watched.}: recorded with its revision in place of the previous value. */
@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.test.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "watched.*")})
public class WatchingBean implements ModstampListener {
    @Inject
    Deliveries deliveries;

    @Override
    public void onModstampChange(ModstampChange change) {
        deliveries.record("WatchingBean", new ModstampChange(change.id(), change.value(),
                change.reset() ? "reset" : "@" + change.revision(), change.server(), change.receivedAt()));
    }
}
