package org.modstamp.server.store;

import java.util.Locale;

/**
 * The SQL that differs between the databases {@link JdbcValueStore} supports: the table (the reference's
 * {@code modstamps(modstamp PRIMARY KEY, value)}, typed where the database wants types) and the upsert.
 */
enum JdbcDialect {
    SQLITE("value", "modstamps(modstamp PRIMARY KEY, value)",
            "INSERT INTO modstamps(modstamp, value) VALUES (?, ?) ON CONFLICT(modstamp) DO UPDATE SET value = excluded.value"),
    POSTGRESQL("value", "modstamps(modstamp VARCHAR(255) PRIMARY KEY, value BYTEA)",
            "INSERT INTO modstamps(modstamp, value) VALUES (?, ?) ON CONFLICT(modstamp) DO UPDATE SET value = excluded.value"),
    /** VALUE is a keyword in H2 2, so the column is quoted (and keeps its lower-case name). */
    H2("\"value\"", "modstamps(modstamp VARCHAR(255) PRIMARY KEY, \"value\" VARBINARY(255))",
            "MERGE INTO modstamps(modstamp, \"value\") KEY(modstamp) VALUES (?, ?)"),
    /** Ids are case-sensitive: the key column compares bytes, not MySQL's default case-blind collation. */
    MYSQL("value", "modstamps(modstamp VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin PRIMARY KEY, "
            + "value VARBINARY(255))",
            "INSERT INTO modstamps(modstamp, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)");

    /** Run only when the table is missing: a user without the right to create tables can use an existing one. */
    final String createTable;
    final String selectAll;
    final String upsert;
    final String delete = "DELETE FROM modstamps WHERE modstamp = ?";

    JdbcDialect(String valueColumn, String table, String upsert) {
        this.createTable = "CREATE TABLE IF NOT EXISTS " + table; // another instance may be creating it too
        this.selectAll = "SELECT modstamp, " + valueColumn + " FROM modstamps";
        this.upsert = upsert;
    }

    /** The dialect of a database, by the product name its driver reports. */
    static JdbcDialect of(String productName) throws StoreException {
        String name = productName.toLowerCase(Locale.ROOT);
        if (name.contains("sqlite")) {
            return SQLITE;
        } else if (name.contains("postgres")) {
            return POSTGRESQL;
        } else if (name.equals("h2")) {
            return H2;
        } else if (name.contains("mysql") || name.contains("mariadb")) {
            return MYSQL;
        }
        throw new StoreException("the JDBC store supports SQLite, PostgreSQL, H2, MySQL and MariaDB, not "
                + productName, null);
    }
}
