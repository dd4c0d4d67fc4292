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

/** What the test triggers and reads from outside the server. */
@Path("orders")
@Produces(MediaType.TEXT_PLAIN)
public class AppResource {
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

    @ApplicationPath("api")
    public static class App extends Application {
    }
}
