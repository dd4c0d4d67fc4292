package org.modstamp.ra.api;

import java.io.Serializable;

import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;

/** Gives connections to the modstamp server configured on the connection definition. */
public interface ModstampConnectionFactory extends Serializable, Referenceable {
    ModstampConnection getConnection() throws ResourceException;
}
