package org.modstamp.example.jpacache;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/settings/{name}}: the text; {@code PUT /api/settings/{name}} with the text as body: changes it. */
@Path("settings/{name}")
@RequestScoped
public class SettingResource {
    @Inject
    Greetings greetings;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String get(@PathParam("name") String name) {
        String text = greetings.setting(name);
        if (text == null) {
            throw new NotFoundException("no setting " + name);
        }
        return text;
    }

    @PUT
    @Consumes(MediaType.TEXT_PLAIN)
    public void put(@PathParam("name") String name, String text) {
        greetings.setSetting(name, text);
    }
}
