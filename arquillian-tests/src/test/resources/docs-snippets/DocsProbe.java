package org.modstamp.it.app;

import jakarta.inject.Inject;
import jakarta.resource.ResourceException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Compiled with the snippets of docs/jakarta-ee.md (DocSnippets), which it calls: the docs' Orders pushes, the
 * docs' OrdersChanged evicts from OrderCache.
 */
@Path("docs")
@Produces(MediaType.TEXT_PLAIN)
public class DocsProbe {
    @Inject
    Orders orders;

    @Inject
    OrderCache cache;

    @POST
    @Path("changed")
    public String changed() throws ResourceException {
        orders.changed();
        return "pushed";
    }

    @GET
    @Path("evicted")
    public String evicted() {
        return String.join("\n", cache.evicted());
    }

    /** Whether {@code id} was evicted {@code times} times, once it was (10 s at most). */
    @GET
    @Path("evicted/await")
    public String awaitEvicted(@QueryParam("id") String id, @QueryParam("times") int times) throws InterruptedException {
        return String.valueOf(cache.awaitEvicted(id, times, 10_000));
    }
}
