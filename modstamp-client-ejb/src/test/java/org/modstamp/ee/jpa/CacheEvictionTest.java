package org.modstamp.ee.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.persistence.Cache;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.Metamodel;
import jakarta.persistence.metamodel.Type;

import org.junit.jupiter.api.Test;

/**
 * The evictor's mapping from ids to evictions, against persistence units that record what is evicted (a
 * persistence provider's metamodel and cache, reduced to what the evictor calls).
 */
class CacheEvictionTest {
    static class Order {
    }

    static class Setting {
    }

    static class Account {
    }

    static class Line {
    }

    /** A persistence unit with these entities (name, class, key type; null key type: a composite key). */
    private static final class Unit {
        final List<String> evicted = new ArrayList<>();
        final EntityManagerFactory factory;

        Unit(Object[]... entities) {
            Set<EntityType<?>> types = new java.util.LinkedHashSet<>();
            for (Object[] e : entities) {
                types.add(entityType((String) e[0], (Class<?>) e[1], (Class<?>) e[2]));
            }
            Metamodel metamodel = fake(Metamodel.class, (m, a) -> m.getName().equals("getEntities") ? types : null);
            Cache cache = fake(Cache.class, (m, a) -> {
                if (m.getName().equals("evict")) {
                    evicted.add(((Class<?>) a[0]).getSimpleName() + (a.length == 2 ? "#" + a[1] + ":" + a[1].getClass().getSimpleName() : ""));
                }
                return null;
            });
            factory = fake(EntityManagerFactory.class, (m, a) -> switch (m.getName()) {
                case "getMetamodel" -> metamodel;
                case "getCache" -> cache;
                default -> throw new UnsupportedOperationException(m.getName());
            });
        }
    }

    private static EntityType<?> entityType(String name, Class<?> type, Class<?> keyType) {
        Type<?> key = keyType == null ? null : fake(Type.class, (m, a) -> m.getName().equals("getJavaType") ? keyType : null);
        return fake(EntityType.class, (m, a) -> switch (m.getName()) {
            case "getName" -> name;
            case "getJavaType" -> type;
            case "hasSingleIdAttribute" -> keyType != null;
            case "getIdType" -> key;
            case "hashCode" -> System.identityHashCode(type);
            case "equals" -> false;
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    interface Answer {
        Object answer(java.lang.reflect.Method m, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(CacheEvictionTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> answer.answer(m, args == null ? new Object[0] : args));
    }

    @Test
    void aTypeIdEvictsTheTypeAndAnInstanceIdTheInstanceWithItsKeyType() {
        Unit unit = new Unit(new Object[] {"Order", Order.class, Long.class},
                new Object[] {"Setting", Setting.class, String.class}, new Object[] {"Account", Account.class, UUID.class});
        CacheEviction eviction = new CacheEviction(List.of(unit.factory));
        eviction.evict("jpa.Order");
        eviction.evict("jpa.Order.42");
        eviction.evict("jpa.Setting.a.b");
        eviction.evict("jpa.Account.0b8d4d1e-98b1-4c4e-9b1a-52c2b8e0b6e3");
        assertEquals(List.of("Order", "Order#42:Long", "Setting#a.b:String",
                "Account#0b8d4d1e-98b1-4c4e-9b1a-52c2b8e0b6e3:UUID"), unit.evicted);
    }

    @Test
    void aKeyThatDoesNotConvertOrACompositeKeyEvictsTheWholeType() {
        Unit unit = new Unit(new Object[] {"Order", Order.class, Long.class}, new Object[] {"Line", Line.class, null});
        CacheEviction eviction = new CacheEviction(List.of(unit.factory));
        eviction.evict("jpa.Order.x1");
        eviction.evict("jpa.Line.7");
        assertEquals(List.of("Order", "Line"), unit.evicted);
    }

    /** A reset of a watched prefix evicts every type whose ids may start with it. */
    @Test
    void aResetEvictsEveryTypeUnderThePrefix() {
        Unit unit = new Unit(new Object[] {"Order", Order.class, Long.class}, new Object[] {"OrderLine", Line.class, Long.class},
                new Object[] {"Setting", Setting.class, String.class});
        CacheEviction eviction = new CacheEviction(List.of(unit.factory));
        assertEquals(List.of("Order"), eviction.evictUnder("jpa.Order."));
        assertEquals(List.of("Order"), eviction.evictUnder("jpa.Order.12"), "part of the keys: the type");
        assertEquals(List.of("Order", "Line"), eviction.evictUnder("jpa.Order"), "Order and OrderLine");
        assertEquals(List.of("Order", "Line", "Setting"), eviction.evictUnder("jpa."));
        assertEquals(List.of(), eviction.evictUnder("other."));
    }

    @Test
    void otherIdsAndUnknownEntitiesEvictNothing() {
        Unit unit = new Unit(new Object[] {"Order", Order.class, Long.class});
        CacheEviction eviction = new CacheEviction(List.of(unit.factory));
        assertEquals(List.of(), eviction.evict("orders"));
        assertEquals(List.of(), eviction.evict("jpa.Invoice"));
        assertEquals(List.of(), eviction.evict("jpa.order"), "entity names are case-sensitive, as in JPQL");
        assertEquals(List.of(), unit.evicted);
    }

    @Test
    void everyUnitThatHasTheEntityEvictsIt() {
        Unit a = new Unit(new Object[] {"Order", Order.class, Long.class});
        Unit b = new Unit(new Object[] {"Setting", Setting.class, String.class}, new Object[] {"Order", Order.class, Long.class});
        CacheEviction eviction = new CacheEviction(List.of(a.factory, b.factory));
        assertEquals(List.of("Order", "Order"), eviction.evict("jpa.Order"));
        assertEquals(List.of("Order"), a.evicted);
        assertEquals(List.of("Order"), b.evicted);
    }

    @Test
    void coalescedChangesEvictWhatEachWouldHave() {
        // the adapter may deliver only the last of several values of an id: eviction depends on the id alone
        Unit unit = new Unit(new Object[] {"Order", Order.class, Long.class});
        CacheEviction eviction = new CacheEviction(List.of(unit.factory));
        eviction.evict("jpa.Order");
        eviction.evict("jpa.Order");
        assertEquals(List.of("Order", "Order"), unit.evicted);
    }
}
