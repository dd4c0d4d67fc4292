package org.modstamp.wildfly.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the MDB received, as "id=value" in order of arrival, and when (wall-clock microseconds). */
@ApplicationScoped
public class Received {
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final List<String> arrivals = new CopyOnWriteArrayList<>();

    void add(String change, long micros) {
        changes.add(change);
        arrivals.add(change + " " + micros);
    }

    public List<String> all() {
        return List.copyOf(changes);
    }

    /** Every attempt as "id=value micros", in order of arrival. */
    public List<String> arrivals() {
        return List.copyOf(arrivals);
    }
}
