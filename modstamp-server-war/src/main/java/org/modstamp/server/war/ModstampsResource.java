package org.modstamp.server.war;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerStats;
import org.modstamp.wire.Ids;
import org.modstamp.wire.Message;

/**
 * The ids, their values and listeners, for operators. Reads are open; changes (PUT, DELETE) only from
 * {@code modstamp.admin.hosts} (loopback by default), and they signal listeners exactly as a UDP C does.
 */
@Path("modstamps")
@Produces(MediaType.APPLICATION_JSON)
public class ModstampsResource {
    @Inject
    ServerLifecycle lifecycle;

    @Inject
    ServerSettings settings;

    @Context
    HttpServletRequest request;

    @GET
    public List<Map<String, Object>> list(@QueryParam("offset") @DefaultValue("0") int offset,
                                          @QueryParam("limit") @DefaultValue("100") int limit) throws Exception {
        if (offset < 0 || limit < 1 || limit > 1000) {
            throw new BadRequestException("offset must be 0 or more and limit 1..1000");
        }
        return lifecycle.server().entries(offset, limit).stream().map(ModstampsResource::json).toList();
    }

    @GET
    @Path("{id}")
    public Map<String, Object> get(@PathParam("id") String id) throws Exception {
        return json(lifecycle.server().entry(valid(id)).orElseThrow(() -> new NotFoundException("no value and no listener for " + id)));
    }

    @GET
    @Path("{id}/listeners")
    public List<String> listeners(@PathParam("id") String id) throws Exception {
        return lifecycle.server().listeners(valid(id)).stream()
                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).toList();
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.TEXT_PLAIN)
    public Map<String, Object> set(@PathParam("id") String id, String value) throws Exception {
        byte[] bytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Message.MAX_VALUE_LENGTH) {
            throw new BadRequestException("a value is at most " + Message.MAX_VALUE_LENGTH + " bytes, not " + bytes.length);
        }
        allowedToWrite();
        lifecycle.server().set(valid(id), bytes);
        return lifecycle.server().entry(id).map(ModstampsResource::json)
                .orElseGet(() -> json(new ModstampServer.Entry(id, bytes, 0)));
    }

    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") String id) throws Exception {
        allowedToWrite();
        lifecycle.server().set(valid(id), new byte[0]);
    }

    @GET
    @Path("/status")
    public Map<String, Object> status() throws Exception {
        ModstampServer server = lifecycle.server();
        ServerStats stats = server.stats();
        Map<String, Object> status = new LinkedHashMap<>();
        InetSocketAddress bound = server.localAddress();
        status.put("listen", bound.getAddress().getHostAddress() + ":" + bound.getPort());
        status.put("ids", server.size());
        status.put("datagramsIn", stats.datagramsIn.get());
        status.put("datagramsOut", stats.datagramsOut.get());
        status.put("queries", stats.queries.get());
        status.put("changes", stats.changes.get());
        status.put("signals", stats.signals.get());
        status.put("dropped", stats.droppedMalformed.get() + stats.droppedNoPermission.get() + stats.droppedOther.get());
        return status;
    }

    private static String valid(String id) {
        if (!Ids.isValid(id)) {
            throw new BadRequestException("'" + id + "' is not a valid id (1..255 characters of [0-9A-Za-z_.:-])");
        }
        return id;
    }

    private void allowedToWrite() throws Exception {
        InetAddress from = InetAddress.getByName(request.getRemoteAddr());
        if (settings.adminHosts().stream().noneMatch(h -> h.matches(from))) {
            throw new ForbiddenException("changes over HTTP are allowed from modstamp.admin.hosts only");
        }
    }

    private static Map<String, Object> json(ModstampServer.Entry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", entry.id());
        json.put("value", entry.value().length == 0 ? null : new String(entry.value(), StandardCharsets.UTF_8));
        json.put("valueHex", HexFormat.of().formatHex(entry.value()));
        json.put("listeners", entry.listeners());
        return json;
    }
}
