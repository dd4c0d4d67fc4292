package org.modstamp.wildfly.app;

import jakarta.inject.Inject;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;
import java.lang.management.ManagementFactory;

/** What the test triggers and reads from outside the server. */
@Path("orders")
@Produces(MediaType.TEXT_PLAIN)
public class AppResource {
    private static final long AWAIT_MILLIS = 10_000;

    @Inject
    Orders orders;

    @Inject
    Received received;

    @POST
    @Path("commit")
    public String commit(@QueryParam("id") String id, @QueryParam("value") String value) {
        orders.changeAndCommit(id, value);
        return "committed";
    }

    @POST
    @Path("announce")
    public String announce(@QueryParam("id") String id, @QueryParam("value") String value) {
        orders.announceAndCommit(id, value);
        return "committed";
    }

    @POST
    @Path("rollback")
    public String rollback(@QueryParam("id") String id, @QueryParam("value") String value) {
        try {
            orders.changeAndRollBack(id, value);
            return "not rolled back";
        } catch (RuntimeException e) {
            return "rolled back";
        }
    }

    @GET
    @Path("received")
    public String received() {
        return String.join("\n", received.all());
    }

    @GET
    @Path("arrivals")
    public String arrivals() {
        return String.join("\n", received.arrivals());
    }

    @GET
    @Path("commits")
    public String commits() {
        return String.join("\n", received.commits());
    }

    /** The milliseconds the container's JIT compilers have spent compiling since its start. */
    @GET
    @Path("jit")
    public String jit() {
        return String.valueOf(ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
    }

    /** The first {@code attempts} attempts at {@code change} ("id=value"), once they came (10 s at most). */
    @GET
    @Path("arrivals/await")
    public String awaitArrivals(@QueryParam("change") String change, @QueryParam("attempts") int attempts)
            throws InterruptedException {
        return String.join("\n", received.awaitArrivals(change, attempts, AWAIT_MILLIS));
    }

    /** The committed delivery of {@code change} of "lat" ("id=value micros"), once it came (10 s at most). */
    @GET
    @Path("commits/await")
    public String awaitCommit(@QueryParam("change") String change) throws InterruptedException {
        return String.join("\n", received.awaitCommit(change, AWAIT_MILLIS));
    }

    @ApplicationPath("api")
    public static class App extends Application {
    }
}
