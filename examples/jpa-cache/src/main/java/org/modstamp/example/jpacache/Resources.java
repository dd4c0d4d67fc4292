package org.modstamp.example.jpacache;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.resource.ConnectionFactoryDefinition;

/**
 * What the application is configured with, from MicroProfile Config (system properties work):
 * {@code jpacache.db.url} the shared database's JDBC URL, {@code modstamp.server} the modstamp server (host:port).
 * The pusher sends through {@code java:app/modstamp}, its default connection factory.
 */
@DataSourceDefinition(name = "java:app/jdbc/greetings", className = "org.h2.jdbcx.JdbcDataSource",
        url = "${MPCONFIG=jpacache.db.url}", user = "sa", password = "sa", minPoolSize = 2, maxPoolSize = 16)
@ConnectionFactoryDefinition(name = "java:app/modstamp", resourceAdapter = "modstamp-ra",
        interfaceName = "org.modstamp.ra.api.ModstampConnectionFactory", properties = "server=${modstamp.server}")
public class Resources {
    private Resources() {
    }
}
