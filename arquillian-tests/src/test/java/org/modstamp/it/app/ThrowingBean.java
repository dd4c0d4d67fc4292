package org.modstamp.it.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/**
 * Throws on its first attempt at each value (the container rolls its transaction back and discards the
 * instance, hence the static set), commits the second: the adapter must deliver the value again.
 */
@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.test.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "boom"),
    @ActivationConfigProperty(propertyName = "queryInterval", propertyValue = "2")})
public class ThrowingBean implements ModstampListener {
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    @Inject
    Deliveries deliveries;

    @Resource
    TransactionSynchronizationRegistry transaction;

    @Override
    public void onModstampChange(ModstampChange change) {
        deliveries.record("ThrowingBean", change);
        if (FAILED.add(change.value())) {
            throw new IllegalStateException("ThrowingBean fails on purpose on its first attempt at " + change.value());
        }
        deliveries.recordOnCommit("ThrowingBean-committed", change, transaction);
    }
}
