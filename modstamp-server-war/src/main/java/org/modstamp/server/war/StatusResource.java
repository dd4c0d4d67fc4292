package org.modstamp.server.war;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.ServerStats;

/**
 * The server's counters, open to anyone who reaches HTTP (no value, no listener address). Under
 * {@code /api/status}, so that an id named "status" stays readable under {@code /api/modstamps}.
 */
@Path("status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {
    @Inject
    ServerLifecycle lifecycle;

    @Inject
    ServerSettings settings;

    @Inject
    TrafficHistory history;

    @GET
    public Map<String, Object> status() throws Exception {
        ModstampServer server = lifecycle.running();
        ServerStats.Snapshot stats = server.stats().snapshot();
        Map<String, Object> status = new LinkedHashMap<>();
        InetSocketAddress bound = server.localAddress();
        status.put("listen", bound.getAddress().getHostAddress() + ":" + bound.getPort());
        status.put("ids", server.size());
        status.put("datagramsIn", stats.datagramsIn());
        status.put("datagramsOut", stats.datagramsOut());
        status.put("queries", stats.queries());
        status.put("changes", stats.changes());
        status.put("signals", stats.signals());
        status.put("dropped", stats.droppedMalformed() + stats.droppedNoPermission() + stats.droppedOther());
        status.put("watches", server.stats().watches());
        status.put("watchResets", server.stats().watchResets());
        status.put("keeps", server.stats().keeps());
        status.put("keepsRenewed", server.stats().keepsRenewed());
        status.put("position", server.position().text());
        status.put("setup", setup(server));
        return status;
    }

    /** What the server runs with, at a glance: never a key, a password or a value. */
    private Map<String, Object> setup(ModstampServer server) throws Exception {
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("version", getClass().getPackage().getImplementationVersion() == null ? "development"
                : getClass().getPackage().getImplementationVersion());
        setup.put("uptimeSeconds", (System.currentTimeMillis() - lifecycle.startedAt()) / 1000);
        setup.put("store", settings.describeStore());
        setup.put("storeReachable", storeReachable(server));
        ServerConfig config = lifecycle.config();
        setup.put("ioThreads", lifecycle.transport().threads());
        setup.put("profiles", config.profiles().entries().stream().map(Object::toString).toList());
        setup.put("limits", config.limits().toString());
        return setup;
    }

    private static boolean storeReachable(ModstampServer server) {
        try {
            server.checkStore();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** The traffic of the last 15 minutes, per second, oldest first (no values, no addresses: open to all). */
    @GET
    @Path("history")
    public Map<String, Object> history() {
        lifecycle.running();
        return history.snapshot();
    }
}
