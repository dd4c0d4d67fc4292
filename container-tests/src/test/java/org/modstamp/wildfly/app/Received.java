package org.modstamp.wildfly.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the MDB received, as "id=value" in order of arrival, when (wall-clock microseconds), and when the adapter
 * had received it; and when the deliveries of "lat" committed.
 */
@ApplicationScoped
public class Received {
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final List<String> arrivals = new CopyOnWriteArrayList<>();
    private final List<String> commits = new CopyOnWriteArrayList<>();

    void add(String change, long micros, long receivedAtMicros) {
        changes.add(change);
        arrivals.add(change + " " + micros + " " + receivedAtMicros);
    }

    void committed(String change, long micros) {
        commits.add(change + " " + micros);
    }

    public List<String> all() {
        return List.copyOf(changes);
    }

    /** Every attempt as "id=value micros receivedAtMicros", in order of arrival. */
    public List<String> arrivals() {
        return List.copyOf(arrivals);
    }

    /** Every committed delivery of "lat" as "id=value micros". */
    public List<String> commits() {
        return List.copyOf(commits);
    }
}
