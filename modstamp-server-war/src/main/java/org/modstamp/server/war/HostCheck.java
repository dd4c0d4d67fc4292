package org.modstamp.server.war;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/** Every API request must name one of {@code modstamp.http.hosts} in its Host header (no DNS rebinding). */
@Provider
@PreMatching
public class HostCheck implements ContainerRequestFilter {
    @Inject
    ServerSettings settings;

    @Override
    public void filter(ContainerRequestContext request) {
        String host = request.getHeaderString("Host");
        if (!settings.httpHosts().allows(host)) {
            request.abortWith(Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("the Host '" + host + "' is not one of modstamp.http.hosts").build());
        }
    }
}
