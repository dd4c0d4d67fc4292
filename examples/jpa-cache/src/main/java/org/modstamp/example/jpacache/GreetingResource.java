package org.modstamp.example.jpacache;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/greetings/{id}}: the text; {@code PUT /api/greetings/{id}} with the text as body: changes it.
 * Both answer with {@code X-Nano-Time}, the instance's {@code System.nanoTime()} after the read or the commit (the
 * same clock for every process of a Linux machine), so a test can time what happens between instances.
 */
@Path("greetings/{id}")
@RequestScoped
public class GreetingResource {
    @Inject
    Greetings greetings;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response get(@PathParam("id") long id) {
        String text = greetings.text(id);
        long at = System.nanoTime();
        return (text == null ? Response.status(Response.Status.NOT_FOUND) : Response.ok(text))
                .header("X-Nano-Time", at).build();
    }

    @PUT
    @Consumes(MediaType.TEXT_PLAIN)
    public Response put(@PathParam("id") long id, String text) {
        greetings.set(id, text);
        return Response.noContent().header("X-Nano-Time", System.nanoTime()).build();
    }
}
