package org.modstamp.wildfly.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the MDB received, as "id=value" in order of arrival. */
@ApplicationScoped
public class Received {
    private final List<String> changes = new CopyOnWriteArrayList<>();

    void add(String change) {
        changes.add(change);
    }

    public List<String> all() {
        return List.copyOf(changes);
    }
}
