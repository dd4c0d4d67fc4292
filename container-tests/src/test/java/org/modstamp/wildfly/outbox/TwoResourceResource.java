package org.modstamp.wildfly.outbox;

import java.sql.SQLException;

import jakarta.inject.Inject;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;

/** Drives the two-resource transaction ({@link TwoResourceTx}) and reads what happened. */
@Path("two-resources")
@Produces(MediaType.TEXT_PLAIN)
public class TwoResourceResource {
    @Inject
    TwoResourceTx tx;

    @Inject
    TwoResourceAnnouncer announcer;

    /**
     * Runs the transaction (with {@code second=false}, without the second resource); answers "committed", then a
     * line with the transaction as seen inside it before the commit, then one with what the AFTER_SUCCESS observer
     * saw.
     */
    @POST
    public String run(@QueryParam("id") String id, @QueryParam("inTx") String inTransaction,
                      @QueryParam("afterSuccess") String afterSuccess,
                      @QueryParam("second") @DefaultValue("true") boolean second) throws SQLException, InterruptedException {
        tx.createTable();
        String inside = tx.pushSaveAndAnnounce(id, inTransaction, afterSuccess, second);
        // the observer runs during the commit, normally on this thread: the wait is for a container that would not
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (announcer.seen(id) == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return "committed\ninside the transaction: " + inside + "\nin the AFTER_SUCCESS observer: " + announcer.seen(id);
    }

    /** The value the transaction saved in the second DataSource, or "". */
    @GET
    @Path("saved")
    public String saved(@QueryParam("id") String id) throws SQLException {
        return tx.saved(id);
    }

    /** The outbox's row of {@code id}, as "id=value confirmed|unconfirmed", or "". */
    @GET
    @Path("outbox")
    public String outbox(@QueryParam("id") String id) throws SQLException {
        return tx.outbox(id);
    }

    @ApplicationPath("api")
    public static class App extends Application {
    }
}
