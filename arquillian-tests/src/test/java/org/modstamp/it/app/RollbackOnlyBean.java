package org.modstamp.it.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

/** Marks its transaction for rollback on its first attempt at each value, without throwing; commits the second. */
@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.test.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "rbo"),
    @ActivationConfigProperty(propertyName = "queryInterval", propertyValue = "2")})
public class RollbackOnlyBean implements ModstampListener {
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    @Inject
    Deliveries deliveries;

    @Resource
    MessageDrivenContext context;

    @Resource
    TransactionSynchronizationRegistry transaction;

    @Override
    public void onModstampChange(ModstampChange change) {
        deliveries.record("RollbackOnlyBean", change);
        if (FAILED.add(change.value())) {
            context.setRollbackOnly();
            return;
        }
        deliveries.recordOnCommit("RollbackOnlyBean-committed", change, transaction);
    }
}
