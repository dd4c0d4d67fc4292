package org.modstamp.wildfly.crash;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.modstamp.ee.ModstampPusher;

/**
 * The application's data: a table of items. Each change is written and pushed in one transaction; the
 * pusher records the push in its outbox, in the same database and transaction.
 */
@ApplicationScoped
public class Items {
    @Resource(lookup = "java:jboss/datasources/CrashDS")
    DataSource database;

    @Inject
    ModstampPusher pusher;

    @Transactional
    public void set(String id, String value) throws SQLException {
        write("items", id, value);
        pusher.push(id, value);
    }

    /**
     * Upserts {@code id = value} into {@code table} (items, or seen by the MDB) in the caller's transaction, with
     * the standard MERGE that H2 and PostgreSQL (15 and later) both run.
     */
    void write(String table, String id, String value) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement merge = connection.prepareStatement("MERGE INTO " + table
                     + " t USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(255)))) AS s (id, val) ON t.id = s.id"
                     + " WHEN MATCHED THEN UPDATE SET val = s.val WHEN NOT MATCHED THEN INSERT (id, val) VALUES (s.id, s.val)")) {
            merge.setString(1, id);
            merge.setString(2, value);
            merge.executeUpdate();
        }
    }

    /** Every row of {@code table} as "id=value". */
    public List<String> all(String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id, val FROM " + table + " ORDER BY id");
             ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.add(result.getString(1) + "=" + result.getString(2));
            }
        }
        return rows;
    }
}
