package org.modstamp.it.pusher;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.modstamp.ee.Modstamp;
import org.modstamp.ra.api.ModstampChange;

/** Two observers of change events: one for x only, one for every id. */
@ApplicationScoped
public class Observers {
    private final Queue<String> ofX = new ConcurrentLinkedQueue<>();
    private final Queue<String> ofAll = new ConcurrentLinkedQueue<>();

    void onX(@Observes @Modstamp("x") ModstampChange change) {
        ofX.add(change.id() + "=" + change.value());
    }

    void onAny(@Observes ModstampChange change) {
        ofAll.add(change.id() + "=" + change.value());
    }

    public String report() {
        return "x: " + List.copyOf(ofX) + "\nall: " + List.copyOf(ofAll);
    }
}
