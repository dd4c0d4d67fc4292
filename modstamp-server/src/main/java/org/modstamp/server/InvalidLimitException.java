package org.modstamp.server;

/** An abuse limit out of its range: {@link #component} names the limit (the record component of AbuseLimits). */
public final class InvalidLimitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String component;

    public InvalidLimitException(String component, String message) {
        super(component + " " + message);
        this.component = component;
    }

    /** The record component of {@link AbuseLimits} that is out of range. */
    public String component() {
        return component;
    }
}
