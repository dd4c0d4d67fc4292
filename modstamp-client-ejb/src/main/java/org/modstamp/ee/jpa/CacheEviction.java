package org.modstamp.ee.jpa;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;

import jakarta.persistence.Cache;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.metamodel.EntityType;

/**
 * Evicts what a {@code jpa.} id names from the shared caches of some persistence units: the whole type for
 * {@code jpa.<EntityName>}, one instance for {@code jpa.<EntityName>.<primaryKey>} (the whole type when the
 * key's text does not convert back to the key's type). Evicting depends only on the id, never on the value,
 * so a change that stands for several coalesced ones evicts what all of them would have.
 */
final class CacheEviction {
    private static final Logger LOG = Logger.getLogger(CacheEviction.class.getName());
    private static final Map<Class<?>, Function<String, Object>> KEY_TYPES = Map.ofEntries(
            Map.entry(Long.class, Long::valueOf), Map.entry(long.class, Long::valueOf),
            Map.entry(Integer.class, Integer::valueOf), Map.entry(int.class, Integer::valueOf),
            Map.entry(Short.class, Short::valueOf), Map.entry(short.class, Short::valueOf),
            Map.entry(String.class, s -> s), Map.entry(UUID.class, UUID::fromString),
            Map.entry(BigInteger.class, BigInteger::new), Map.entry(BigDecimal.class, BigDecimal::new));

    /** One entity type in one persistence unit. */
    record Target(Cache cache, Class<?> type, Class<?> keyType) {
    }

    private final List<EntityManagerFactory> units;
    private final Map<String, List<Target>> byName = new ConcurrentHashMap<>();

    CacheEviction(List<EntityManagerFactory> units) {
        this.units = List.copyOf(units);
    }

    /**
     * Evicts what {@code id} names; returns a description of each eviction ("Greeting", "Greeting#42"), empty
     * when the id is not a {@code jpa.} id or names no entity of these units (logged at WARNING).
     */
    List<String> evict(String id) {
        String name = JpaIds.entityName(id);
        if (name == null) {
            return List.of();
        }
        List<Target> targets = byName.computeIfAbsent(name, this::find);
        if (targets.isEmpty()) {
            LOG.warning(() -> "modstamp: " + id + " names the entity " + name + ", which none of the persistence "
                    + "units given to the evictor has; nothing evicted");
            return List.of();
        }
        String keyText = JpaIds.key(id);
        List<String> done = new ArrayList<>();
        for (Target target : targets) {
            Object key = keyText == null ? null : convert(keyText, target.keyType());
            if (key == null) {
                target.cache().evict(target.type());
                done.add(target.type().getSimpleName());
            } else {
                target.cache().evict(target.type(), key);
                done.add(target.type().getSimpleName() + "#" + key);
            }
        }
        return done;
    }

    /**
     * Evicts every entity type whose ids may start with {@code prefix} (a watched prefix that was reset: any of
     * its ids may have changed): {@code jpa.Order.} or {@code jpa.Order.12} evict Order, {@code jpa.} or
     * {@code jpa.Or} every type they cover. Returns what was evicted.
     */
    List<String> evictUnder(String prefix) {
        List<String> done = new ArrayList<>();
        for (EntityManagerFactory unit : units) {
            for (EntityType<?> type : unit.getMetamodel().getEntities()) {
                String ids = JpaIds.PREFIX + type.getName() + ".";
                if (ids.startsWith(prefix) || prefix.startsWith(ids)) {
                    unit.getCache().evict(type.getJavaType());
                    done.add(type.getJavaType().getSimpleName());
                }
            }
        }
        return done;
    }

    private List<Target> find(String name) {
        List<Target> found = new ArrayList<>();
        for (EntityManagerFactory unit : units) {
            for (EntityType<?> type : unit.getMetamodel().getEntities()) {
                if (name.equals(type.getName())) {
                    Class<?> keyType = type.hasSingleIdAttribute() ? type.getIdType().getJavaType() : null;
                    found.add(new Target(unit.getCache(), type.getJavaType(), keyType));
                }
            }
        }
        return List.copyOf(found);
    }

    /** The key, or null when its type is not one of KEY_TYPES or the text does not parse (evict the type). */
    private static Object convert(String text, Class<?> keyType) {
        Function<String, Object> parse = keyType == null ? null : KEY_TYPES.get(keyType);
        if (parse == null) {
            return null;
        }
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            LOG.fine(() -> "modstamp: '" + text + "' is not a " + keyType.getSimpleName() + "; evicting the type");
            return null;
        }
    }
}
