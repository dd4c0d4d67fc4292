package org.modstamp.server.war;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Every API request must name one of {@code modstamp.http.hosts} in its Host header (no DNS rebinding), or, over
 * HTTP/2, in its {@code :authority}, which replaces the Host header there (Open Liberty passes no Host header on
 * with an HTTP/2 request, as Java's HttpClient makes them after an h2c upgrade).
 */
@Provider
@PreMatching
public class HostCheck implements ContainerRequestFilter {
    @Inject
    ServerSettings settings;

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        String host = request.getHeaderString("Host");
        if (host == null && servletRequest.getProtocol().startsWith("HTTP/2")) {
            host = request.getUriInfo().getRequestUri().getRawAuthority();
        }
        if (!settings.httpHosts().allows(host)) {
            request.abortWith(Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("the Host '" + host + "' is not one of modstamp.http.hosts").build());
        }
    }
}
