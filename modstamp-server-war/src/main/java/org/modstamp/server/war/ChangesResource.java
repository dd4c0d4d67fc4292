package org.modstamp.server.war;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** The last changes the server made (the last 200), newest first, with their sources: for operators only. */
@Path("changes")
@Produces(MediaType.APPLICATION_JSON)
public class ChangesResource {
    @Inject
    ServerLifecycle lifecycle;

    @Inject
    OperatorAccess access;

    @Context
    HttpServletRequest request;

    @GET
    public List<Map<String, Object>> recent() throws Exception {
        access.require(request, "reading values");
        return lifecycle.running().recentChanges().stream().map(change -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", change.id());
            json.put("value", change.value().length == 0 ? null : new String(change.value(), StandardCharsets.UTF_8));
            json.put("at", Instant.ofEpochMilli(change.epochMillis()).toString());
            json.put("source", change.source());
            return json;
        }).toList();
    }
}
