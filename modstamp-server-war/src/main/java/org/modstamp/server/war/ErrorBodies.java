package org.modstamp.server.war;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** An API error answers with its status and a body that says what was wrong, in plain text. */
@Provider
public class ErrorBodies implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
        Response response = e.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        return Response.status(response.getStatus()).type(MediaType.TEXT_PLAIN_TYPE)
                .entity(e.getMessage() == null ? response.getStatusInfo().getReasonPhrase() : e.getMessage()).build();
    }
}
