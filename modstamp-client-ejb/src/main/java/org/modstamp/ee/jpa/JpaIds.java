package org.modstamp.ee.jpa;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.regex.Pattern;

import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;

/**
 * The modstamp ids of JPA entities: {@code jpa.<EntityName>.<primaryKey>} for an instance (the default: a
 * listener watches {@code jpa.<EntityName>.*}), and {@code jpa.<EntityName>} for a whole type: a type annotated
 * {@link ModstampPerType}, an instance whose key makes no id (a composite key, no key yet, a key of other
 * characters), and a bulk change ({@link #ofType}). The entity name is that of {@code @Entity(name = ...)}, else
 * the class's simple name, as in JPQL.
 * <p>
 * Ids are 1..255 characters of {@code [0-9A-Za-z_.:-]}. An entity name that would make another id is rejected with
 * an {@link IllegalArgumentException} that says which entity, which id, and how to fix it, as is a key that makes
 * no id on a type annotated {@link ModstampPerInstance}; nothing is mapped silently (two different names must
 * never share an id, or one would not be evicted). Announcing the type where the instance makes no id is safe: it
 * evicts more, never less.
 */
public final class JpaIds {
    /** What every id of an entity starts with. */
    public static final String PREFIX = "jpa.";
    private static final Pattern VALID = Pattern.compile("[0-9A-Za-z_.:-]{1,255}");
    private static final Pattern VALID_NAME = Pattern.compile("[0-9A-Za-z_:-]+");
    private static final ClassValue<Kind> KINDS = new ClassValue<>() {
        @Override
        protected Kind computeValue(Class<?> type) {
            return kind(type);
        }
    };

    private JpaIds() {
    }

    /** What the entity listener needs about a class, derived once: {@code key} null announces the type. */
    private record Kind(String typeId, Member key, boolean strict) {
    }

    /** The single-valued primary key of a per-instance type: a field or a getter. */
    private record Member(Field field, Method getter) {
        Object read(Object entity) {
            try {
                return field != null ? field.get(entity) : getter.invoke(entity);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("modstamp: cannot read the primary key of " + entity.getClass().getName()
                        + " (" + (field != null ? field : getter) + ")", e);
            }
        }
    }

    /**
     * The id for a change of {@code entity}: per instance, or per type for a {@link ModstampPerType} type and where
     * the instance makes no id (but on a {@link ModstampPerInstance} type, which fails then).
     */
    public static String of(Object entity) {
        Kind kind = KINDS.get(entity.getClass());
        if (kind.key() == null) {
            return kind.typeId();
        }
        Object key = kind.key().read(entity);
        if (key == null) {
            if (!kind.strict()) {
                return kind.typeId();
            }
            throw new IllegalArgumentException("modstamp: " + entity.getClass().getName() + " has no primary key yet; "
                    + "a per-instance id (@ModstampPerInstance) needs one");
        }
        String name = kind.typeId().substring(PREFIX.length());
        if (!kind.strict() && !VALID.matcher(PREFIX + name + "." + key).matches()) {
            return kind.typeId(); // the whole type: more is evicted, never less
        }
        return forInstance(name, key);
    }

    /** The id of a whole entity type: announce it after a bulk JPQL update or delete of the type (no listener runs). */
    public static String ofType(Class<?> entityClass) {
        return KINDS.get(entityClass).typeId();
    }

    /** {@code jpa.<entityName>}; fails with the reason when that is not a valid id. */
    public static String forType(String entityName) {
        if (entityName == null || !VALID_NAME.matcher(entityName).matches() || entityName.length() > 255 - PREFIX.length()) {
            throw new IllegalArgumentException("modstamp: the entity name '" + entityName + "' does not make a valid "
                    + "id (jpa.<EntityName>: 1..255 characters of [0-9A-Za-z_.:-], and no '.' in the name): give the "
                    + "entity such a name with @Entity(name = \"...\")");
        }
        return PREFIX + entityName;
    }

    /** {@code jpa.<entityName>.<key>}; fails with the reason when that is not a valid id. */
    public static String forInstance(String entityName, Object key) {
        String id = forType(entityName) + "." + key;
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException("modstamp: the primary key '" + key + "' of " + entityName
                    + " does not make a valid id ('" + id + "' is not 1..255 characters of [0-9A-Za-z_.:-]); "
                    + "announce this type per type (remove @ModstampPerInstance) or use keys of those characters");
        }
        return id;
    }

    /** The entity name of a {@code jpa.} id (what comes before the key), or null for another id. */
    public static String entityName(String id) {
        if (id == null || !id.startsWith(PREFIX) || id.length() == PREFIX.length()) {
            return null;
        }
        int dot = id.indexOf('.', PREFIX.length());
        return dot < 0 ? id.substring(PREFIX.length()) : id.substring(PREFIX.length(), dot);
    }

    /** The primary key's text of a per-instance id, or null for a per-type id (or another id). */
    public static String key(String id) {
        if (entityName(id) == null) {
            return null;
        }
        int dot = id.indexOf('.', PREFIX.length());
        return dot < 0 || dot == id.length() - 1 ? null : id.substring(dot + 1);
    }

    private static Kind kind(Class<?> type) {
        Class<?> entityClass = entityClass(type);
        Entity entity = entityClass.getAnnotation(Entity.class);
        String name = entity.name().isEmpty() ? entityClass.getSimpleName() : entity.name();
        String typeId = forType(name);
        if (entityClass.isAnnotationPresent(ModstampPerType.class)) {
            return new Kind(typeId, null, false);
        }
        boolean strict = entityClass.isAnnotationPresent(ModstampPerInstance.class);
        try {
            if (entityClass.isAnnotationPresent(IdClass.class)) {
                throw new IllegalArgumentException("modstamp: " + entityClass.getName() + " has a composite key "
                        + "(@IdClass); @ModstampPerInstance needs a single basic primary key");
            }
            return new Kind(typeId, key(entityClass), strict);
        } catch (IllegalArgumentException noInstanceId) {
            if (strict) {
                throw noInstanceId;
            }
            return new Kind(typeId, null, false); // announced per type
        }
    }

    /** The class itself or the nearest superclass with {@code @Entity} (a provider's subclass or proxy). */
    private static Class<?> entityClass(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.isAnnotationPresent(Entity.class)) {
                return c;
            }
        }
        throw new IllegalArgumentException("modstamp: " + type.getName() + " is not an @Entity (an entity declared "
                + "only in orm.xml needs @Entity on its class for ModstampEntityListener to name it)");
    }

    private static Member key(Class<?> entityClass) {
        for (Class<?> c = entityClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(EmbeddedId.class)) {
                    throw composite(entityClass);
                }
                if (f.isAnnotationPresent(Id.class)) {
                    f.setAccessible(true);
                    return new Member(f, null);
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(EmbeddedId.class)) {
                    throw composite(entityClass);
                }
                if (m.isAnnotationPresent(Id.class) && m.getParameterCount() == 0) {
                    m.setAccessible(true);
                    return new Member(null, m);
                }
            }
        }
        throw new IllegalArgumentException("modstamp: " + entityClass.getName() + " is @ModstampPerInstance but has no "
                + "@Id field or getter");
    }

    private static IllegalArgumentException composite(Class<?> entityClass) {
        return new IllegalArgumentException("modstamp: " + entityClass.getName() + " has a composite key (@EmbeddedId); "
                + "@ModstampPerInstance needs a single basic primary key");
    }
}
