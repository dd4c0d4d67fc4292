package org.modstamp.ee;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.naming.Reference;

import jakarta.resource.ResourceException;

import org.modstamp.ra.api.ModstampConnection;
import org.modstamp.ra.api.ModstampConnectionFactory;

/**
 * A connection factory in front of an in-memory "server" that confirms every push while it is up and
 * fails every push while it is down, recording what reached it.
 */
final class FakeTarget implements ModstampConnectionFactory {
    private static final long serialVersionUID = 1L;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<Map<String, String>> received = new ArrayList<>();
    private final List<Map<String, String>> attempted = new ArrayList<>();
    private volatile boolean up = true;

    void up(boolean up) {
        this.up = up;
    }

    synchronized Map<String, String> values() {
        return new HashMap<>(values);
    }

    /** Every batch that reached the server while it was up, in order. */
    synchronized List<Map<String, String>> received() {
        return List.copyOf(received);
    }

    /** Waits (at most 5 s) until the server holds {@code value} for {@code id} (null: no value, deleted). */
    synchronized boolean awaitValue(String id, String value) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        for (long left; !Objects.equals(value, values.get(id)) && (left = deadline - System.currentTimeMillis()) > 0; ) {
            wait(left);
        }
        return Objects.equals(value, values.get(id));
    }

    /** Waits (at most 5 s) until a push of exactly {@code batch} was attempted, while up or down. */
    synchronized boolean awaitAttempt(Map<String, String> batch) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        for (long left; !attempted.contains(batch) && (left = deadline - System.currentTimeMillis()) > 0; ) {
            wait(left);
        }
        return attempted.contains(batch);
    }

    private synchronized Map<String, String> push(Map<String, String> changes) {
        attempted.add(Collections.unmodifiableMap(new LinkedHashMap<>(changes)));
        notifyAll();
        if (!up) {
            throw new IllegalStateException("the fake server is down");
        }
        received.add(Collections.unmodifiableMap(new LinkedHashMap<>(changes)));
        changes.forEach((id, value) -> { // as a server: an empty value deletes, and is confirmed as null
            if (value == null || value.isEmpty()) {
                values.remove(id);
            } else {
                values.put(id, value);
            }
        });
        notifyAll();
        Map<String, String> confirmed = new LinkedHashMap<>();
        changes.forEach((id, value) -> confirmed.put(id, value == null || value.isEmpty() ? null : value));
        return confirmed;
    }

    @Override
    public ModstampConnection getConnection() {
        return new ModstampConnection() {
            @Override
            public Map<String, String> push(Map<String, String> changes) {
                return FakeTarget.this.push(changes);
            }

            @Override
            public Map<String, String> get(Collection<String> ids) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void setReference(Reference reference) {
    }

    @Override
    public Reference getReference() throws javax.naming.NamingException {
        return null;
    }

    /** Connection factories that always find this target. */
    ConnectionFactories factories() {
        return new ConnectionFactories() {
            @Override
            ModstampConnectionFactory lookup(String jndiName) throws ResourceException {
                return FakeTarget.this;
            }
        };
    }
}
