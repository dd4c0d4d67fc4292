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
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * The pusher's transactional outbox: a table in the application's own database holding, per id, the value of
 * the greatest version pushed, written in the pushing transaction. A row is written only by a greater version
 * than it holds (the database's own upsert, so that two transactions creating the same new id at once never
 * fail), and marked confirmed once every target confirmed that value and version. Rows are kept (one per id),
 * so that a confirmation that arrives after a newer commit, from another instance sharing the table, can
 * still be undone: the newer row is marked unconfirmed again and sent. Whatever a crash interrupts is sent by
 * the next sweep.
 *
 * <pre>
 * CREATE TABLE modstamp_outbox (modstamp_id VARCHAR(255) PRIMARY KEY, modstamp_value VARCHAR(255),
 *                               version BIGINT NOT NULL, confirmed_version BIGINT)
 * </pre>
 */
final class Outbox {
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /** A row: an id's value and its version. */
    record Row(String id, String value, long version) {
    }

    private final DataSource dataSource;
    private final String dataSourceName;
    private final String table;
    private volatile Upsert upsert;

    /** The outbox {@code table} of {@code dataSource}, bound at {@code dataSourceName} (which messages name). */
    Outbox(DataSource dataSource, String dataSourceName, String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("modstamp.pusher.outboxTable: '" + table + "' is not a plain table "
                    + "name (letters, digits and _, at most 63)");
        }
        this.dataSource = dataSource;
        this.dataSourceName = dataSourceName;
        this.table = table;
    }

    /** Which table of which DataSource, for messages: an operator must know where to look. */
    @Override
    public String toString() {
        return "the outbox table " + table + " of " + dataSourceName;
    }

    /** Creates the table when the database has none of that name (so a DBA may create it instead). */
    void createIfMissing() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Upsert dialect = upsert(connection);
            if (exists(connection.getMetaData())) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("CREATE TABLE " + table + " " + dialect.columns);
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
     * Records the value of each id with {@code version}, marked unconfirmed, where the row holds an older version
     * (or none), on a connection of the DataSource: inside a JTA transaction it is part of it, and is rolled back
     * with it.
     */
    void record(Map<String, String> changes, long version) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Upsert dialect = upsert(connection);
            // in id order: two transactions locking the same rows lock them in the same order (no deadlock)
            for (Map.Entry<String, String> change : new TreeMap<>(changes).entrySet()) {
                dialect.write(connection, table, change.getKey(), change.getValue(), version, null);
            }
        }
    }

    /**
     * Records rows in a transaction of their own (outside any JTA transaction: on a thread of the pusher), each
     * only over an older version: a push made after its transaction ended.
     */
    void recordOnItsOwn(List<Row> rows) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Upsert dialect = upsert(connection);
            for (Row row : rows.stream().sorted(java.util.Comparator.comparing(Row::id)).toList()) {
                dialect.write(connection, table, row.id(), row.value(), row.version(), null);
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
    }

    /** The rows whose version no target has confirmed yet. */
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
     * Every target confirmed {@code confirmed} (its value and version): marks the row confirmed if it holds them;
     * records them as confirmed if the row holds an older version (the push was never recorded: the database
     * failed when it was made); or, if the row holds a newer version, or another value of the same version (whose
     * value the one just confirmed may have overwritten on the servers), marks that row unconfirmed and returns
     * it, so that the caller sends it again.
     */
    Optional<Row> confirmed(Row confirmed) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean marked;
            try (PreparedStatement mark = connection.prepareStatement("UPDATE " + table
                    + " SET confirmed_version = version WHERE modstamp_id = ? AND version = ? AND "
                    + (confirmed.value() == null ? "modstamp_value IS NULL" : "modstamp_value = ?"))) {
                mark.setString(1, confirmed.id());
                mark.setLong(2, confirmed.version());
                if (confirmed.value() != null) {
                    mark.setString(3, confirmed.value());
                }
                marked = mark.executeUpdate() == 1;
            }
            Optional<Row> newer = Optional.empty();
            if (!marked) {
                Upsert dialect = upsert(connection);
                dialect.write(connection, table, confirmed.id(), confirmed.value(), confirmed.version(), confirmed.version());
                newer = row(connection, confirmed.id()).filter(row -> !row.equals(confirmed));
                if (newer.isPresent()) {
                    try (PreparedStatement unmark = connection.prepareStatement("UPDATE " + table
                            + " SET confirmed_version = NULL WHERE modstamp_id = ? AND version = ?")) {
                        unmark.setString(1, confirmed.id());
                        unmark.setLong(2, newer.get().version());
                        unmark.executeUpdate();
                    }
                }
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            return newer;
        }
    }

    private Optional<Row> row(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT modstamp_value, version FROM " + table
                + " WHERE modstamp_id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new Row(id, row.getString(1), row.getLong(2))) : Optional.empty();
            }
        }
    }

    private Upsert upsert(Connection connection) throws SQLException {
        Upsert known = upsert;
        if (known == null) {
            known = Upsert.of(connection.getMetaData().getDatabaseProductName());
            upsert = known;
        }
        return known;
    }

    /**
     * The outbox's SQL where databases differ: the table, and the write of a row that takes effect only over an
     * older version. PostgreSQL and MySQL/MariaDB have an upsert that never fails on a concurrent insert of the
     * same key; elsewhere (H2, Oracle, SQL Server, ...) an UPDATE, then an INSERT, and when that insert meets a
     * row another transaction just inserted (a duplicate key), the UPDATE again: those databases fail only the
     * statement, not the transaction.
     */
    enum Upsert {
        POSTGRESQL("(modstamp_id VARCHAR(255) NOT NULL PRIMARY KEY, modstamp_value VARCHAR(255), "
                + "version BIGINT NOT NULL, confirmed_version BIGINT)",
                "INSERT INTO %1$s AS o (modstamp_id, modstamp_value, version, confirmed_version) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (modstamp_id) DO UPDATE SET modstamp_value = EXCLUDED.modstamp_value, "
                        + "version = EXCLUDED.version, confirmed_version = EXCLUDED.confirmed_version "
                        + "WHERE o.version < EXCLUDED.version"),
        /** Ids are case-sensitive: compared as bytes, not in MySQL's default case-blind collation. */
        MYSQL("(modstamp_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY, "
                + "modstamp_value VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, version BIGINT NOT NULL, "
                + "confirmed_version BIGINT)",
                // assignments run left to right on the updated row: the version last
                "INSERT INTO %1$s (modstamp_id, modstamp_value, version, confirmed_version) VALUES (?, ?, ?, ?) "
                        + "ON DUPLICATE KEY UPDATE "
                        + "modstamp_value = IF(version < VALUES(version), VALUES(modstamp_value), modstamp_value), "
                        + "confirmed_version = IF(version < VALUES(version), VALUES(confirmed_version), confirmed_version), "
                        + "version = GREATEST(version, VALUES(version))"),
        OTHER("(modstamp_id VARCHAR(255) NOT NULL PRIMARY KEY, modstamp_value VARCHAR(255), version BIGINT NOT NULL, "
                + "confirmed_version BIGINT)", null);

        final String columns;
        private final String upsert;

        Upsert(String columns, String upsert) {
            this.columns = columns;
            this.upsert = upsert;
        }

        static Upsert of(String productName) {
            String name = productName.toLowerCase(Locale.ROOT);
            if (name.contains("postgres")) {
                return POSTGRESQL;
            } else if (name.contains("mysql") || name.contains("mariadb")) {
                return MYSQL;
            }
            return OTHER;
        }

        /** Writes the row unless it holds {@code version} or a greater one; {@code confirmedVersion} may be null. */
        void write(Connection connection, String table, String id, String value, long version, Long confirmedVersion)
                throws SQLException {
            if (upsert != null) {
                try (PreparedStatement statement = connection.prepareStatement(String.format(upsert, table))) {
                    bind(statement, id, value, version, confirmedVersion);
                    statement.executeUpdate();
                }
                return;
            }
            if (updateIfOlder(connection, table, id, value, version, confirmedVersion)) {
                return;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                    + " (modstamp_id, modstamp_value, version, confirmed_version) VALUES (?, ?, ?, ?)")) {
                bind(insert, id, value, version, confirmedVersion);
                insert.executeUpdate();
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) { // not an integrity violation
                    throw e;
                }
                updateIfOlder(connection, table, id, value, version, confirmedVersion); // it was inserted meanwhile
            }
        }

        private static boolean updateIfOlder(Connection connection, String table, String id, String value, long version,
                                             Long confirmedVersion) throws SQLException {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET modstamp_value = ?, "
                    + "version = ?, confirmed_version = ? WHERE modstamp_id = ? AND version < ?")) {
                update.setString(1, value);
                update.setLong(2, version);
                setConfirmed(update, 3, confirmedVersion);
                update.setString(4, id);
                update.setLong(5, version);
                return update.executeUpdate() > 0;
            }
        }

        private static void bind(PreparedStatement statement, String id, String value, long version, Long confirmedVersion)
                throws SQLException {
            statement.setString(1, id);
            statement.setString(2, value);
            statement.setLong(3, version);
            setConfirmed(statement, 4, confirmedVersion);
        }

        private static void setConfirmed(PreparedStatement statement, int index, Long confirmedVersion) throws SQLException {
            if (confirmedVersion == null) {
                statement.setNull(index, java.sql.Types.BIGINT);
            } else {
                statement.setLong(index, confirmedVersion);
            }
        }
    }
}
