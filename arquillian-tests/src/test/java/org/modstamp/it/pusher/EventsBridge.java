package org.modstamp.it.pusher;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import org.modstamp.ee.ModstampEventBridge;
import org.modstamp.ra.api.ModstampListener;

/** How an application enables change events: an MDB of its own over the bridge. */
@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.test.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "x,y"),
    @ActivationConfigProperty(propertyName = "queryInterval", propertyValue = "2")})
public class EventsBridge extends ModstampEventBridge {
}
