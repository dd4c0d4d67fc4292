package org.modstamp.it.app;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;

@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.test.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "order,shared,lat"),
    @ActivationConfigProperty(propertyName = "queryInterval", propertyValue = "2")})
public class OrdersBean implements ModstampListener {
    @Inject
    Deliveries deliveries;

    @Resource
    TransactionSynchronizationRegistry transaction;

    @Override
    public void onModstampChange(ModstampChange change) {
        deliveries.record("OrdersBean", change);
        if ("lat".equals(change.id())) { // the latency's stages: when the bean's transaction committed
            deliveries.recordOnCommit("OrdersBean-committed", change, transaction);
        }
    }
}
