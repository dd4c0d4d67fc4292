package org.modstamp.client;

/** The server did not answer in time; the message says which server, what was missing and how long we waited. */
public class ModstampTimeoutException extends RuntimeException {
    public ModstampTimeoutException(String message) {
        super(message);
    }
}
