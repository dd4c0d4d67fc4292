package org.modstamp.ee;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * The pusher's transactional outbox: a table in the application's own database holding, per id, the latest
 * value a transaction pushed, written in that transaction. A row is marked confirmed once every target
 * confirmed its version; rows are kept (one per id), so that a confirmation that arrives after a newer
 * commit, from another instance sharing the table, can still be undone: the newer row is marked unconfirmed
 * again and sent. Whatever a crash interrupts is sent by the next sweep.
 *
 * <pre>
 * CREATE TABLE modstamp_outbox (modstamp_id VARCHAR(255) PRIMARY KEY, modstamp_value VARCHAR(255),
 *                               version BIGINT NOT NULL, confirmed_version BIGINT)
 * </pre>
 */
final class Outbox {
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /** A row still to be confirmed. */
    record Row(String id, String value, long version) {
    }

    private final DataSource dataSource;
    private final String table;

    Outbox(DataSource dataSource, String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("modstamp.pusher.outboxTable: '" + table + "' is not a plain table "
                    + "name (letters, digits and _, at most 63)");
        }
        this.dataSource = dataSource;
        this.table = table;
    }

    String table() {
        return table;
    }

    /** Creates the table when the database has none of that name (so a DBA may create it instead). */
    void createIfMissing() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (exists(connection.getMetaData())) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("CREATE TABLE " + table + " (modstamp_id VARCHAR(255) NOT NULL PRIMARY KEY, "
                        + "modstamp_value VARCHAR(255), version BIGINT NOT NULL, confirmed_version BIGINT)");
            } catch (SQLException e) {
                if (!exists(connection.getMetaData())) { // another instance may have created it meanwhile
                    throw e;
                }
            }
        }
    }

    private boolean exists(DatabaseMetaData metaData) throws SQLException {
        for (String name : List.of(table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT))) {
            try (ResultSet tables = metaData.getTables(null, null, name, null)) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Records the latest value of each id with {@code version}, marked unconfirmed, on a connection of the
     * DataSource: inside a JTA transaction it is part of it, and is rolled back with it.
     */
    void record(Map<String, String> changes, long version) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE " + table
                     + " SET modstamp_value = ?, version = ?, confirmed_version = NULL WHERE modstamp_id = ?")) {
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, String> change : changes.entrySet()) {
                update.setString(1, change.getValue());
                update.setLong(2, version);
                update.setString(3, change.getKey());
                if (update.executeUpdate() == 0) {
                    missing.add(change.getKey());
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                    + " (modstamp_id, modstamp_value, version) VALUES (?, ?, ?)")) {
                for (String id : missing) {
                    insert.setString(1, id);
                    insert.setString(2, changes.get(id));
                    insert.setLong(3, version);
                    insert.executeUpdate();
                }
            }
        }
    }

    /** The rows whose latest version no target has confirmed yet. */
    List<Row> unconfirmed() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT modstamp_id, modstamp_value, version FROM "
                     + table + " WHERE confirmed_version IS NULL OR confirmed_version <> version");
             ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.add(new Row(result.getString(1), result.getString(2), result.getLong(3)));
            }
        }
        return rows;
    }

    /**
     * Every target confirmed {@code version} of {@code id}. If the row moved on to another version meanwhile,
     * the value just confirmed may have overwritten a newer one on the server: the row is marked unconfirmed,
     * so that its own value is sent (again).
     */
    void confirmed(String id, long version) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement mark = connection.prepareStatement("UPDATE " + table
                     + " SET confirmed_version = version WHERE modstamp_id = ? AND version = ?")) {
            mark.setString(1, id);
            mark.setLong(2, version);
            if (mark.executeUpdate() == 1) {
                return;
            }
            try (PreparedStatement unmark = connection.prepareStatement("UPDATE " + table
                    + " SET confirmed_version = NULL WHERE modstamp_id = ?")) {
                unmark.setString(1, id);
                unmark.executeUpdate();
            }
        }
    }
}
