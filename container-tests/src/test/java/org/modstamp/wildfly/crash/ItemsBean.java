package org.modstamp.wildfly.crash;

import java.sql.SQLException;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/**
 * Keeps the table "seen" equal to the latest value of each item it was told of, in its own container
 * transaction; resume=true, so that a restart does not lose what changed while the server was down.
 */
@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "${crash.ids}"),
    @ActivationConfigProperty(propertyName = "queryInterval", propertyValue = "2"),
    @ActivationConfigProperty(propertyName = "resume", propertyValue = "true")})
public class ItemsBean implements ModstampListener {
    @Inject
    Items items;

    @Override
    public void onModstampChange(ModstampChange change) {
        try {
            items.write("seen", change.id(), change.value());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record " + change.id() + " = " + change.value(), e);
        }
    }
}
