package org.modstamp.cli.nat.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/**
 * The NAT tests' bean behind the NAT: the adapter's default settings, the server given by a system property; each
 * change is printed as {@code heard ID<TAB>VALUE}, where the test reads it from the container's output.
 */
@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.nat.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "orders")})
public class NatListenerBean implements ModstampListener {
    @Override
    public void onModstampChange(ModstampChange change) {
        System.out.println("heard " + change.id() + "\t" + change.value());
    }
}
