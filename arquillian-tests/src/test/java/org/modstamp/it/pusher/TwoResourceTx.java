package org.modstamp.it.pusher;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.modstamp.ee.ModstampPusher;

/**
 * A transaction with two resources: the pusher's outbox (the default DataSource) and a second, XA DataSource
 * of the application's own (H2, which Payara Micro ships), so that the container runs a two-phase commit;
 * then an event whose AFTER_SUCCESS observer pushes a newer value of the same id.
 */
@ApplicationScoped
@DataSourceDefinition(name = "java:app/jdbc/second", className = "org.h2.jdbcx.JdbcDataSource",
        url = "jdbc:h2:mem:modstamp-second;DB_CLOSE_DELAY=-1", user = "sa", password = "")
public class TwoResourceTx {
    @Inject
    ModstampPusher pusher;

    @Resource(lookup = "java:app/jdbc/second")
    DataSource second;

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
     * is false: then the outbox is the transaction's only resource), and fires the
     * event whose observer pushes {@code afterSuccess} after the commit. Returns the status and the container's
     * description of the transaction just before the commit.
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
}
