package org.modstamp.it.pusher;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.resource.ConnectionFactoryDefinition;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.modstamp.ee.ModstampPusher;

/** Lets the tests drive the transactional beans and read what happened. */
@Path("pusher")
@Produces(MediaType.TEXT_PLAIN)
@ConnectionFactoryDefinition(name = "java:app/modstamp",
        interfaceName = "org.modstamp.ra.api.ModstampConnectionFactory", resourceAdapter = "modstamp-ra",
        properties = {"server=${modstamp.test.proxy}"})
public class PusherProbe {
    @Inject
    TxService cdi;

    @Inject
    TxEjb ejb;

    @Inject
    Observers observers;

    @Inject
    ModstampPusher pusher;

    @POST
    @Path("{kind: cdi|ejb}/commit")
    public String commit(@jakarta.ws.rs.PathParam("kind") String kind, @QueryParam("id") String id,
                         @QueryParam("value") String value) {
        if (kind.equals("cdi")) {
            cdi.pushAndCommit(id, value);
        } else {
            ejb.pushAndCommit(id, value);
        }
        return "committed";
    }

    @POST
    @Path("{kind: cdi|ejb}/rollback")
    public String rollback(@jakarta.ws.rs.PathParam("kind") String kind, @QueryParam("id") String id,
                           @QueryParam("value") String value) {
        try {
            if (kind.equals("cdi")) {
                cdi.pushAndRollBack(id, value);
            } else {
                ejb.pushAndRollBack(id, value);
            }
            return "not rolled back";
        } catch (RuntimeException e) {
            return "rolled back";
        }
    }

    @POST
    @Path("cdi/marked")
    public String marked(@QueryParam("id") String id, @QueryParam("value") String value) {
        try {
            cdi.markForRollbackThenPush(id, value);
            return "committed";
        } catch (RuntimeException e) {
            return "rolled back";
        }
    }

    @POST
    @Path("cdi/announce")
    public String announce(@QueryParam("id") String id, @QueryParam("value") String value) {
        cdi.announceAndCommit(id, value);
        return "committed";
    }

    @POST
    @Path("cdi/twice")
    public String twice(@QueryParam("id") String id, @QueryParam("first") String first,
                        @QueryParam("second") String second) {
        cdi.pushTwiceAndCommit(id, first, second);
        return "committed";
    }

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource database;

    /** The outbox's row of {@code id} (deployments with the outbox), as "id=value confirmed|unconfirmed", or "". */
    @GET
    @Path("outbox")
    public String outbox(@QueryParam("id") String id) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT modstamp_value, "
                     + "version = confirmed_version FROM modstamp_outbox WHERE modstamp_id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? id + "=" + row.getString(1) + (row.getBoolean(2) ? " confirmed" : " unconfirmed") : "";
            }
        }
    }

    @GET
    @Path("observed")
    public String observed() {
        return observers.report();
    }

    /** Commits {@code n} transactions one after another, each waiting for its confirmation; then the stats. */
    @POST
    @Path("bench")
    public String bench(@QueryParam("n") int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            long before = pusher.stats().confirmed();
            cdi.pushAndCommit("bench", "b" + i);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (pusher.stats().confirmed() == before && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        return pusher.stats().toString();
    }
}
