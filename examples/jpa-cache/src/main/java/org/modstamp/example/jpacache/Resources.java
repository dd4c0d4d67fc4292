package org.modstamp.example.jpacache;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.resource.ConnectionFactoryDefinition;

/**
 * What the application is configured with, from MicroProfile Config (system properties work):
 * {@code jpacache.db.url} the shared PostgreSQL database's JDBC URL, {@code jpacache.db.user} and
 * {@code jpacache.db.password} its account, {@code modstamp.server} the modstamp server (host:port).
 * The pusher sends through {@code java:app/modstamp}, its default connection factory.
 */
@DataSourceDefinition(name = "java:app/jdbc/greetings", className = "org.postgresql.ds.PGSimpleDataSource",
        url = "${MPCONFIG=jpacache.db.url}", user = "${MPCONFIG=jpacache.db.user}",
        password = "${MPCONFIG=jpacache.db.password}", minPoolSize = 2, maxPoolSize = 16)
@ConnectionFactoryDefinition(name = "java:app/modstamp", resourceAdapter = "modstamp-ra",
        interfaceName = "org.modstamp.ra.api.ModstampConnectionFactory", properties = "server=${modstamp.server}")
public class Resources {
    private Resources() {
    }
}
