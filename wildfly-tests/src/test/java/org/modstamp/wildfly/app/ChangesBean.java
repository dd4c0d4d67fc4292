package org.modstamp.wildfly.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "committed,rolledback,announced,flaky,lat"),
    @ActivationConfigProperty(propertyName = "queryInterval", propertyValue = "2"),
    @ActivationConfigProperty(propertyName = "resume", propertyValue = "true")})
public class ChangesBean implements ModstampListener {
    /** The values of "flaky" whose first attempt failed (the container discards a bean instance that threw). */
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    @Inject
    Received received;

    /** Records every attempt, with its time; throws on the first attempt at each value of "flaky", so its transaction rolls back. */
    @Override
    public void onModstampChange(ModstampChange change) {
        java.time.Instant now = java.time.Instant.now(); // first: the latency the test prints ends here
        received.add(change.id() + "=" + change.value(), now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000);
        if (change.id().equals("flaky") && FAILED.add(change.value())) {
            throw new IllegalStateException("fails on purpose on its first attempt at " + change.value());
        }
    }
}
