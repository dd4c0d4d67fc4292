package org.modstamp.server.war;

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
import org.modstamp.wire.Ids;
import org.modstamp.wire.Message;

/**
 * The ids, their values and listeners, for operators only ({@link OperatorAccess}: {@code modstamp.admin.hosts},
 * loopback by default, or the bearer token of {@code modstamp.admin.token}). Changes (PUT, DELETE) signal
 * listeners exactly as a UDP C does.
 */
@Path("modstamps")
@Produces(MediaType.APPLICATION_JSON)
public class ModstampsResource {
    @Inject
    ServerLifecycle lifecycle;

    @Inject
    OperatorAccess access;

    @Context
    HttpServletRequest request;

    @GET
    public List<Map<String, Object>> list(@QueryParam("offset") @DefaultValue("0") int offset,
                                          @QueryParam("limit") @DefaultValue("100") int limit) throws Exception {
        checkPage(offset, limit);
        access.require(request, "reading values");
        return server().entries(offset, limit).stream().map(ModstampsResource::json).toList();
    }

    @GET
    @Path("{id}")
    public Map<String, Object> get(@PathParam("id") String id) throws Exception {
        access.require(request, "reading values");
        return json(server().entry(valid(id)).orElseThrow(() -> new NotFoundException("no value and no listener for " + id)));
    }

    /**
     * A page of the listener addresses of an id, and how many it has ({@code total}: registrations held, those
     * expired within the last minute included until the sweep drops them). The engine thread's work grows with
     * offset + limit, never with the id's number of listeners beyond them.
     */
    @GET
    @Path("{id}/listeners")
    public Map<String, Object> listeners(@PathParam("id") String id,
                                         @QueryParam("offset") @DefaultValue("0") int offset,
                                         @QueryParam("limit") @DefaultValue("100") int limit) throws Exception {
        access.require(request, "reading listener addresses");
        checkPage(offset, limit);
        ModstampServer.ListenerPage page = server().listeners(valid(id), offset, limit);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("total", page.total());
        json.put("offset", offset);
        json.put("limit", limit);
        json.put("listeners", page.listeners().stream().map(ModstampsResource::address).toList());
        return json;
    }

    /** {@code 192.0.2.1:4000}, {@code [2001:db8::1]:4000}. */
    private static String address(InetSocketAddress listener) {
        String host = listener.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + listener.getPort();
    }

    private static void checkPage(int offset, int limit) {
        if (offset < 0 || limit < 1 || limit > 1000) {
            throw new BadRequestException("offset must be 0 or more and limit 1..1000, not offset=" + offset
                    + " limit=" + limit);
        }
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.TEXT_PLAIN)
    public Map<String, Object> set(@PathParam("id") String id, String value) throws Exception {
        byte[] bytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Message.MAX_VALUE_LENGTH) {
            throw new BadRequestException("a value is at most " + Message.MAX_VALUE_LENGTH + " bytes, not " + bytes.length);
        }
        access.require(request, "changing values");
        server().set(valid(id), bytes, "HTTP from " + request.getRemoteAddr());
        return server().entry(id).map(ModstampsResource::json)
                .orElseGet(() -> json(new ModstampServer.Entry(id, bytes, 0)));
    }

    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") String id) throws Exception {
        access.require(request, "changing values");
        server().set(valid(id), new byte[0], "HTTP from " + request.getRemoteAddr());
    }

    private static String valid(String id) {
        if (!Ids.isValid(id)) {
            throw new BadRequestException("'" + id + "' is not a valid id (1..255 characters of [0-9A-Za-z_.:-])");
        }
        return id;
    }

    private ModstampServer server() {
        return lifecycle.running();
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
