package org.modstamp.wildfly.crash;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;

/** Creates the application's two tables at its first start: items, and what the MDB has seen. */
@Singleton
@Startup
public class Schema {
    @Resource(lookup = "java:jboss/datasources/CrashDS")
    DataSource database;

    @PostConstruct
    void create() {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            for (String table : new String[] {"items", "seen"}) {
                statement.executeUpdate("CREATE TABLE IF NOT EXISTS " + table
                        + " (id VARCHAR(255) PRIMARY KEY, val VARCHAR(255))");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the crash test's tables", e);
        }
    }
}
