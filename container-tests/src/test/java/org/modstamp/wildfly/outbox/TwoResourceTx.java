package org.modstamp.wildfly.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.modstamp.ee.ModstampPusher;

/**
 * A transaction with two resources: the pusher's outbox (the default DataSource, WildFly's ExampleDS) and an
 * XA DataSource the test adds by CLI ({@code java:jboss/datasources/SecondXADS}), so that Narayana runs a
 * two-phase commit; then an event whose AFTER_SUCCESS observer pushes a newer value of the same id.
 */
@ApplicationScoped
public class TwoResourceTx {
    @Inject
    ModstampPusher pusher;

    @Resource(lookup = "java:jboss/datasources/SecondXADS")
    DataSource second;

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource outboxDatabase;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    Event<TwoResourceAnnouncer.Changed> changed;

    /** Creates the second database's table, outside any transaction (H2 commits DDL at once). */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void createTable() throws SQLException {
        try (Connection connection = second.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS saved (id VARCHAR(255) PRIMARY KEY, val VARCHAR(255))");
        }
    }

    /**
     * Pushes {@code inTransaction} (recorded in the outbox), saves it in the second DataSource (unless {@code save}
     * is false: then the outbox is the transaction's only resource), and fires the event whose observer pushes
     * {@code afterSuccess} after the commit. Returns the status and the container's description of the
     * transaction just before the commit.
     */
    @Transactional
    public String pushSaveAndAnnounce(String id, String inTransaction, String afterSuccess, boolean save) throws SQLException {
        pusher.push(id, inTransaction);
        if (save) {
            save(id, inTransaction);
        }
        changed.fire(new TwoResourceAnnouncer.Changed(id, afterSuccess));
        int status = transactions.getTransactionStatus();
        return "getTransactionStatus()=" + status + " (" + TransactionStatus.name(status) + ") transaction="
                + TransactionStatus.describeCurrent();
    }

    private void save(String id, String inTransaction) throws SQLException {
        try (Connection connection = second.getConnection();
             PreparedStatement merge = connection.prepareStatement("MERGE INTO saved KEY (id) VALUES (?, ?)")) {
            merge.setString(1, id);
            merge.setString(2, inTransaction);
            merge.executeUpdate();
        }
    }

    /** The second DataSource's row of {@code id}, or "". */
    public String saved(String id) throws SQLException {
        try (Connection connection = second.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT val FROM saved WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : "";
            }
        }
    }

    /** The outbox's row of {@code id}, as "id=value confirmed|unconfirmed", or "". */
    public String outbox(String id) throws SQLException {
        try (Connection connection = outboxDatabase.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT modstamp_value, "
                     + "version = confirmed_version FROM modstamp_outbox WHERE modstamp_id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? id + "=" + row.getString(1) + (row.getBoolean(2) ? " confirmed" : " unconfirmed") : "";
            }
        }
    }
}
