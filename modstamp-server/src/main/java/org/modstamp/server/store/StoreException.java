package org.modstamp.server.store;

/** A value store could not read or durably write; nothing of the failed operation is visible. */
public class StoreException extends Exception {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
