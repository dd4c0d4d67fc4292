package org.modstamp.server.war;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The operators' REST API, under {@code /api} of the context root. */
@ApplicationPath("api")
public class OperatorApplication extends Application {
}
