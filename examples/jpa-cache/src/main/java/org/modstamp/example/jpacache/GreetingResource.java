package org.modstamp.example.jpacache;

import java.util.concurrent.atomic.AtomicLong;

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
 * Both answer with {@code X-Nano-Time}, the instance's {@code System.nanoTime()} after the read, or just before the
 * database commit (a push, and so an eviction elsewhere, may come before this thread runs again after it; the
 * same clock for every process of a Linux machine), and {@code X-Evicted-Nano-Time}/{@code X-Evictions} when and how
 * often this instance evicted greetings, so a test can time what happens between instances.
 */
@Path("greetings/{id}")
@RequestScoped
public class GreetingResource {
    @Inject
    Greetings greetings;

    @Inject
    Evictions evictions;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response get(@PathParam("id") long id) {
        String text = greetings.text(id);
        long at = System.nanoTime();
        return (text == null ? Response.status(Response.Status.NOT_FOUND) : Response.ok(text))
                .header("X-Nano-Time", at).header("X-Evicted-Nano-Time", evictions.lastNanoTime())
                .header("X-Evictions", evictions.count()).build();
    }

    @PUT
    @Consumes(MediaType.TEXT_PLAIN)
    public Response put(@PathParam("id") long id, String text) {
        AtomicLong committing = new AtomicLong();
        greetings.set(id, text, committing);
        return Response.noContent().header("X-Nano-Time", committing.get()).build();
    }
}
