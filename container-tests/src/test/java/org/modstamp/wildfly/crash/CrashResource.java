package org.modstamp.wildfly.crash;

import java.sql.SQLException;

import jakarta.inject.Inject;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;

/** What the crash test drives and reads from outside: a change per request, and both tables. */
@Path("items")
@Produces(MediaType.TEXT_PLAIN)
public class CrashResource {
    @Inject
    Items items;

    @POST
    public String set(@QueryParam("id") String id, @QueryParam("value") String value) throws SQLException {
        items.set(id, value);
        return "committed";
    }

    @GET
    @Path("{table: items|seen}")
    public String all(@PathParam("table") String table) throws SQLException {
        return String.join("\n", items.all(table));
    }

    @ApplicationPath("api")
    public static class App extends Application {
    }
}
