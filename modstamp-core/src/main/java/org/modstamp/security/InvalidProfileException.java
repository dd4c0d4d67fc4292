package org.modstamp.security;

/** A security profile list that cannot be used; the message names the entry and the field that is wrong. */
public class InvalidProfileException extends IllegalArgumentException {
    public InvalidProfileException(String message) {
        super(message);
    }

    public InvalidProfileException(String message, Throwable cause) {
        super(message, cause);
    }
}
