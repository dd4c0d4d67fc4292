package org.modstamp.ee.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostPersist;
import jakarta.persistence.PostRemove;
import jakarta.persistence.PostUpdate;

import org.junit.jupiter.api.Test;
import org.modstamp.ee.ModstampPusher;

/** The listener's calls; that a touch waits for the commit (and is dropped on rollback) is the pusher's tests' job. */
class ModstampEntityListenerTest {
    @Entity
    static class Order {
        @Id
        Long id = 1L;
    }

    @Entity
    @ModstampPerInstance
    static class Setting {
        @Id
        String name = "limit";
    }

    @Entity(name = "Bad name")
    static class Bad {
    }

    /** A pusher that only records its touches. */
    static final class Touches extends ModstampPusher {
        final List<String> ids = new ArrayList<>();

        @Override
        public String touch(String id) {
            ids.add(id);
            return "1";
        }
    }

    @Test
    void persistUpdateAndRemoveTouchTheEntitysId() throws Exception {
        Touches touches = new Touches();
        ModstampEntityListener listener = new ModstampEntityListener();
        listener.pusher = touches;
        listener.changed(new Order());
        listener.changed(new Setting());
        assertEquals(List.of("jpa.Order.1", "jpa.Setting.limit"), touches.ids);
        var callback = ModstampEntityListener.class.getMethod("changed", Object.class);
        for (var lifecycle : List.of(PostPersist.class, PostUpdate.class, PostRemove.class)) {
            assertEquals(true, callback.isAnnotationPresent(lifecycle), lifecycle.getSimpleName());
        }
    }

    @Test
    void anEntityWithoutAValidIdFailsTheFlushSayingWhy() {
        ModstampEntityListener listener = new ModstampEntityListener();
        listener.pusher = new Touches();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> listener.changed(new Bad()));
        assertEquals(true, e.getMessage().contains("'Bad name'"), e.getMessage());
    }
}
