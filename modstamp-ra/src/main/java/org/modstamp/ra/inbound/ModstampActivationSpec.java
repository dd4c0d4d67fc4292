package org.modstamp.ra.inbound;

import java.util.Arrays;
import java.util.List;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

import org.modstamp.net.HostPort;
import org.modstamp.protocol.Protocol;
import org.modstamp.ra.Placeholders;
import org.modstamp.ra.api.ModstampListener;
import org.modstamp.wire.Ids;

/**
 * What one message-driven bean listens to: a server and a list of ids. Properties are set through
 * {@code @ActivationConfigProperty}; {@link #validate} names a bad one and what is allowed.
 */
@Activation(messageListeners = ModstampListener.class)
public class ModstampActivationSpec implements ActivationSpec {
    public static final String ALL = "all";
    public static final String CHANGES_ONLY = "changes-only";

    @ConfigProperty(description = "The modstamp server, host:port (port 1415 by default). Required.")
    private String server;

    @ConfigProperty(description = "The ids to listen to, separated by commas; an entry ending with * watches every id "
            + "that starts with what comes before it (jpa.Order.*), with revisions (a server of this project). Required.")
    private String modstamps;

    @ConfigProperty(defaultValue = "25", description = "Seconds between keep-alive query rounds (plus up to 2 s of jitter)")
    private Integer queryInterval = 25;

    @ConfigProperty(defaultValue = CHANGES_ONLY,
            description = "'changes-only': the first value of each id is learned silently; 'all': it is delivered too")
    private String initialValues = CHANGES_ONLY;

    @ConfigProperty(defaultValue = "10", description = "How many times a change is delivered again after the bean's "
            + "transaction rolled back or the bean threw, before it is given up (logged at SEVERE); 0..1000")
    private Integer maxRedeliveries = 10;

    @ConfigProperty(defaultValue = "false", description = "Keep the last value of each id the bean committed (in the "
            + "adapter's stateDirectory) and start from it after a restart or redeployment, so that changes made "
            + "meanwhile are delivered")
    private Boolean resume = false;

    private ResourceAdapter resourceAdapter;

    @Override
    public void validate() throws InvalidPropertyException {
        try {
            server = Placeholders.resolve(server);
            modstamps = Placeholders.resolve(modstamps);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("modstamp activation: " + e.getMessage());
        }
        if (server == null || server.isBlank()) {
            throw new InvalidPropertyException("modstamp activation: property 'server' is required (host:port)");
        }
        try {
            HostPort.parse(server, Protocol.DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("modstamp activation: property 'server': " + e.getMessage());
        }
        if (modstamps == null || entries().isEmpty()) {
            throw new InvalidPropertyException("modstamp activation: property 'modstamps' is required: "
                    + "ids (or prefixes ending with *) separated by commas");
        }
        for (String pattern : patterns()) {
            if (!Ids.isValid(prefix(pattern))) {
                throw new InvalidPropertyException("modstamp activation: property 'modstamps': '" + pattern
                        + "' is not a valid prefix followed by * (1..255 characters of [0-9A-Za-z_.:-], then *)");
            }
        }
        for (String id : ids()) {
            if (!Ids.isValid(id)) {
                throw new InvalidPropertyException("modstamp activation: property 'modstamps': '" + id
                        + "' is not a valid id (1..255 characters of [0-9A-Za-z_.:-])");
            }
        }
        if (queryInterval == null || queryInterval < 1 || queryInterval > 3600) {
            throw new InvalidPropertyException("modstamp activation: property 'queryInterval' must be 1..3600 "
                    + "seconds, not " + queryInterval);
        }
        if (maxRedeliveries == null || maxRedeliveries < 0 || maxRedeliveries > 1000) {
            throw new InvalidPropertyException("modstamp activation: property 'maxRedeliveries' must be 0..1000, not "
                    + maxRedeliveries);
        }
        if (resume == null) {
            throw new InvalidPropertyException("modstamp activation: property 'resume' must be true or false");
        }
        if (!ALL.equals(initialValues) && !CHANGES_ONLY.equals(initialValues)) {
            throw new InvalidPropertyException("modstamp activation: property 'initialValues' must be '"
                    + CHANGES_ONLY + "' or '" + ALL + "', not '" + initialValues + "'");
        }
    }

    /** The ids of {@code modstamps}, trimmed, without empty entries. */
    private List<String> entries() {
        return modstamps == null ? List.of()
                : Arrays.stream(modstamps.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** The ids listened to by name (the entries of {@code modstamps} that do not end with {@code *}). */
    public List<String> ids() {
        return entries().stream().filter(e -> !e.endsWith("*")).toList();
    }

    /** The watched patterns: the entries of {@code modstamps} that end with {@code *} ({@code jpa.Order.*}). */
    public List<String> patterns() {
        return entries().stream().filter(e -> e.endsWith("*")).toList();
    }

    /** The prefix a pattern watches: the pattern without its {@code *}. */
    public static String prefix(String pattern) {
        return pattern.substring(0, pattern.length() - 1);
    }

    public boolean deliversInitialValues() {
        return ALL.equals(initialValues);
    }

    public String getServer() {
        return server;
    }

    public void setServer(String server) {
        this.server = server;
    }

    public String getModstamps() {
        return modstamps;
    }

    public void setModstamps(String modstamps) {
        this.modstamps = modstamps;
    }

    public Integer getQueryInterval() {
        return queryInterval;
    }

    public void setQueryInterval(Integer queryInterval) {
        this.queryInterval = queryInterval;
    }

    public String getInitialValues() {
        return initialValues;
    }

    public void setInitialValues(String initialValues) {
        this.initialValues = initialValues;
    }

    public Integer getMaxRedeliveries() {
        return maxRedeliveries;
    }

    public void setMaxRedeliveries(Integer maxRedeliveries) {
        this.maxRedeliveries = maxRedeliveries;
    }

    public Boolean getResume() {
        return resume;
    }

    public void setResume(Boolean resume) {
        this.resume = resume;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        this.resourceAdapter = ra;
    }

    @Override
    public String toString() {
        return "ModstampActivationSpec[server=" + server + ", modstamps=" + modstamps + ", queryInterval="
                + queryInterval + ", initialValues=" + initialValues + ", maxRedeliveries=" + maxRedeliveries + ", resume="
                + resume + "]";
    }
}
