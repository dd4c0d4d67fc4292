package org.modstamp.wildfly.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
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

    @Resource
    TransactionSynchronizationRegistry transaction;

    /** Records every attempt, with its time; throws on the first attempt at each value of "flaky", so its transaction rolls back. */
    @Override
    public void onModstampChange(ModstampChange change) {
        long now = micros(java.time.Instant.now()); // first: the latency the test prints ends here
        String delivered = change.id() + "=" + change.value();
        received.add(delivered, now, micros(change.receivedAt()));
        if (change.id().equals("lat")) { // the latency's last stage: the bean's transaction committed
            transaction.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        received.committed(delivered, micros(java.time.Instant.now()));
                    }
                }
            });
        }
        if (change.id().equals("flaky") && FAILED.add(change.value())) {
            throw new IllegalStateException("fails on purpose on its first attempt at " + change.value());
        }
    }

    private static long micros(java.time.Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }
}
