package org.modstamp.ee.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import org.junit.jupiter.api.Test;
import org.modstamp.client.Values;

class JpaIdsTest {
    @Entity
    static class Order {
        @Id
        Long id;
    }

    /** What a provider's proxy or enhanced subclass looks like. */
    static class OrderProxy extends Order {
    }

    @Entity(name = "Customer")
    static class CustomerEntity {
        @Id
        String id;
    }

    @Entity
    @ModstampPerInstance
    static class Setting {
        @Id
        String name;

        Setting(String name) {
            this.name = name;
        }
    }

    @Entity
    @ModstampPerInstance
    static class Account {
        private UUID key;

        Account(UUID key) {
            this.key = key;
        }

        @Id
        UUID getKey() {
            return key;
        }
    }

    @Entity(name = "Café")
    static class Cafe {
    }

    @Entity(name = "a.b")
    static class Dotted {
    }

    @Entity
    @ModstampPerInstance
    static class Composite {
        @EmbeddedId
        Object key;
    }

    static class NotAnEntity {
    }

    @Entity
    @ModstampPerType
    static class Country {
        @Id
        String code = "fr";
    }

    @Entity
    static class Note {
        @Id
        String key = "has space";
    }

    @Entity
    static class Pair {
        @EmbeddedId
        Object key = "a";
    }

    /** By default an instance is announced under its key; where that makes no id, the type (more evicted, not less). */
    @Test
    void anInstanceIsAnnouncedUnderItsKeyByDefaultAndItsTypeWhereTheKeyMakesNoId() {
        Order order = new Order();
        order.id = 42L;
        assertEquals("jpa.Order.42", JpaIds.of(order));
        assertEquals("jpa.Order", JpaIds.of(new Order()), "no key yet");
        assertEquals("jpa.Note", JpaIds.of(new Note()), "a key of other characters");
        assertEquals("jpa.Pair", JpaIds.of(new Pair()), "a composite key");
        assertEquals("jpa.Country", JpaIds.of(new Country()), "@ModstampPerType");
        assertEquals("jpa.Order", JpaIds.ofType(Order.class), "a bulk change of the type");
        assertEquals("jpa.Customer", JpaIds.ofType(CustomerEntity.class));
    }

    @Test
    void aTypeIsAnnouncedUnderItsEntityName() {
        assertEquals("jpa.Order", JpaIds.of(new Order()));
        OrderProxy proxy = new OrderProxy();
        proxy.id = 7L;
        assertEquals("jpa.Order.7", JpaIds.of(proxy), "a subclass is its entity");
        assertEquals("jpa.Customer", JpaIds.of(new CustomerEntity()), "@Entity(name) wins over the class name");
    }

    @Test
    void anInstanceOfAPerInstanceTypeUnderItsKey() {
        assertEquals("jpa.Setting.max-size", JpaIds.of(new Setting("max-size")));
        UUID key = UUID.fromString("0b8d4d1e-98b1-4c4e-9b1a-52c2b8e0b6e3");
        assertEquals("jpa.Account." + key, JpaIds.of(new Account(key)), "a key read through an @Id getter");
    }

    @Test
    void everyIdMadeIsValidOnTheWire() {
        for (Object entity : new Object[] {new Order(), new CustomerEntity(), new Setting("a:b_c.d"), new Account(UUID.randomUUID())}) {
            String id = JpaIds.of(entity);
            Values.check(java.util.Map.of(id, "1")); // the pusher's own check
        }
    }

    @Test
    void namesAndKeysThatMakeNoValidIdAreRejectedSayingWhy() {
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> JpaIds.of(new Cafe()));
        assertTrue(name.getMessage().contains("'Café'") && name.getMessage().contains("@Entity(name"), name.getMessage());
        IllegalArgumentException dotted = assertThrows(IllegalArgumentException.class, () -> JpaIds.of(new Dotted()));
        assertTrue(dotted.getMessage().contains("no '.'"), dotted.getMessage());
        IllegalArgumentException space = assertThrows(IllegalArgumentException.class, () -> JpaIds.of(new Setting("max size")));
        assertTrue(space.getMessage().contains("'max size'") && space.getMessage().contains("[0-9A-Za-z_.:-]"),
                space.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> JpaIds.of(new Setting("x".repeat(250))));
        assertTrue(tooLong.getMessage().contains("1..255"), tooLong.getMessage());
        assertEquals(255, JpaIds.of(new Setting("x".repeat(255 - "jpa.Setting.".length()))).length());
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class, () -> JpaIds.of(new Setting(null)));
        assertTrue(noKey.getMessage().contains("no primary key"), noKey.getMessage());
        IllegalArgumentException composite = assertThrows(IllegalArgumentException.class, () -> JpaIds.of(new Composite()));
        assertTrue(composite.getMessage().contains("composite"), composite.getMessage());
        IllegalArgumentException notEntity = assertThrows(IllegalArgumentException.class, () -> JpaIds.of(new NotAnEntity()));
        assertTrue(notEntity.getMessage().contains("not an @Entity"), notEntity.getMessage());
    }

    @Test
    void idsAreReadBack() {
        assertEquals("Order", JpaIds.entityName("jpa.Order"));
        assertNull(JpaIds.key("jpa.Order"));
        assertEquals("Setting", JpaIds.entityName("jpa.Setting.a.b"));
        assertEquals("a.b", JpaIds.key("jpa.Setting.a.b"), "a key may hold dots: the name cannot");
        assertNull(JpaIds.entityName("orders"));
        assertNull(JpaIds.entityName("jpa."));
        assertNull(JpaIds.key("jpa.Setting."));
    }
}
