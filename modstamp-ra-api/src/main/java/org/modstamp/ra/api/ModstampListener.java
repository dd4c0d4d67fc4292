package org.modstamp.ra.api;

/**
 * The message listener interface of the modstamp resource adapter: a message-driven bean implementing it
 * is called once for every change of the ids it listens to.
 *
 * <pre>{@code
 * @MessageDriven(activationConfig = {
 *     @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
 *     @ActivationConfigProperty(propertyName = "server", propertyValue = "modstamp.example.org:1415"),
 *     @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "orders,stock")})
 * public class OrdersChanged implements ModstampListener {
 *     public void onModstampChange(ModstampChange change) { cache.evict(change.id()); }
 * }
 * }</pre>
 */
public interface ModstampListener {
    void onModstampChange(ModstampChange change);
}
