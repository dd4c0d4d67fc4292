package org.modstamp.wildfly.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/**
 * The MDB of the application. On WildFly it binds to the adapter through WEB-INF/jboss-ejb3.xml; Payara
 * reads the resourceAdapter property instead. {@code ${modstamp.server}} is resolved by the adapter.
 */
@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "committed,rolledback"),
    @ActivationConfigProperty(propertyName = "queryInterval", propertyValue = "2")})
public class ChangesBean implements ModstampListener {
    @Inject
    Received received;

    @Override
    public void onModstampChange(ModstampChange change) {
        received.add(change.id() + "=" + change.value());
    }
}
