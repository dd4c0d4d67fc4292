package org.modstamp.ee;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/**
 * Turns the adapter's deliveries into CDI events. An application enables it with a message-driven bean
 * of its own that says what to listen to (values may be {@code ${system.property}} or {@code ${ENV=NAME}}):
 *
 * <pre>{@code
 * @MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
 *     @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
 *     @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.server}"),
 *     @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "orders,stock")})
 * public class ModstampEvents extends ModstampEventBridge {
 * }
 * }</pre>
 *
 * Then {@code void onOrders(@Observes @Modstamp("orders") ModstampChange change)} is called for each change of
 * orders, and an observer of {@code ModstampChange} without the qualifier for every change.
 */
public abstract class ModstampEventBridge implements ModstampListener {
    @Inject
    Event<ModstampChange> events;

    @Override
    public void onModstampChange(ModstampChange change) {
        events.select(Modstamp.Literal.of(change.id())).fire(change);
    }
}
