package org.modstamp.it.app;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.resource.ConnectionFactoryDefinition;
import jakarta.resource.ResourceException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.modstamp.ra.api.ModstampConnection;
import org.modstamp.ra.api.ModstampConnectionFactory;

/** What the tests read and trigger from outside: the beans' deliveries, and the outbound connection. */
@Path("probe")
@Produces(MediaType.TEXT_PLAIN)
@ConnectionFactoryDefinition(name = "java:app/probe/modstamp",
        interfaceName = "org.modstamp.ra.api.ModstampConnectionFactory", resourceAdapter = "modstamp-ra",
        properties = {"server=${modstamp.test.server}"})
public class ProbeResource {
    @Inject
    Deliveries deliveries;

    @Resource(lookup = "java:app/probe/modstamp")
    ModstampConnectionFactory factory;

    /** The deliveries, one a line; with {@code value}, those whose value starts with it. */
    @GET
    @Path("deliveries")
    public String deliveries(@QueryParam("value") String value) {
        return String.join("\n", value == null ? deliveries.lines() : deliveries.linesOfValue(value));
    }

    /** The line of the bean's delivery of {@code id = value}, once it came (5 s at most; empty if it did not). */
    @GET
    @Path("deliveries/await")
    public String awaitDelivery(@QueryParam("bean") String bean, @QueryParam("id") String id,
                                @QueryParam("value") String value) throws InterruptedException {
        String line = deliveries.await(bean, id, value, 5_000);
        return line == null ? "" : line;
    }

    /** The milliseconds the container's JIT compilers have spent compiling since its start. */
    @GET
    @Path("jit")
    public String jit() {
        return String.valueOf(ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
    }

    @POST
    @Path("push")
    public String push(@QueryParam("id") String id, @QueryParam("value") String value) throws ResourceException {
        try (ModstampConnection connection = factory.getConnection()) {
            return connection.push(Map.of(id, value)).toString();
        }
    }

    @GET
    @Path("get")
    public String get(@QueryParam("id") String id) throws ResourceException {
        try (ModstampConnection connection = factory.getConnection()) {
            return String.valueOf(connection.get(List.of(id)).get(id));
        }
    }
}
