package org.modstamp.it.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;

import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/** Records each change, then throws: later changes must still arrive. */
@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.test.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "boom"),
    @ActivationConfigProperty(propertyName = "queryInterval", propertyValue = "2")})
public class ThrowingBean implements ModstampListener {
    @Inject
    Deliveries deliveries;

    @Override
    public void onModstampChange(ModstampChange change) {
        deliveries.record("ThrowingBean", change);
        throw new IllegalStateException("ThrowingBean fails on purpose for " + change.value());
    }
}
