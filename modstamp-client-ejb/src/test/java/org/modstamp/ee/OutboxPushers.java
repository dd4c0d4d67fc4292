package org.modstamp.ee;

import java.util.concurrent.ScheduledExecutorService;

import javax.sql.DataSource;

import jakarta.transaction.TransactionSynchronizationRegistry;

/** Pushers with an outbox, configured as an application would (a 1 s sweep), on the test's database and executors. */
final class OutboxPushers {
    private OutboxPushers() {
    }

    static ModstampPusher start(DataSource database, TransactionSynchronizationRegistry transactions,
                                ConnectionFactories factories, ScheduledExecutorService executor) {
        ModstampPusher pusher = new ModstampPusher() {
            @Override
            DataSource dataSource(String name) {
                return database;
            }
        };
        pusher.connectionFactoryNames = "java:app/modstamp";
        pusher.deadlineSeconds = 60;
        pusher.shutdownWaitSeconds = 1;
        pusher.outboxDataSource = "java:app/jdbc/orders";
        pusher.outboxTable = "modstamp_outbox";
        pusher.outboxSweepSeconds = 1;
        pusher.transactions = transactions;
        pusher.executor = executor;
        pusher.scheduler = executor;
        pusher.factories = factories;
        pusher.configure();
        return pusher;
    }
}
