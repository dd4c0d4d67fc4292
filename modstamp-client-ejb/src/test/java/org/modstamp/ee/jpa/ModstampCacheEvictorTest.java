package org.modstamp.ee.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import javax.naming.NameNotFoundException;

import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.Test;

/** Finding the persistence units, and what a missing one says. */
class ModstampCacheEvictorTest {
    private static final EntityManagerFactory UNIT = (EntityManagerFactory) Proxy.newProxyInstance(
            ModstampCacheEvictorTest.class.getClassLoader(), new Class<?>[] {EntityManagerFactory.class},
            (proxy, m, args) -> null);

    private static final Map<String, Object> JNDI = Map.of("java:comp/env/modstamp/cache", UNIT,
            "java:comp/env/other", UNIT, "java:comp/env/jdbc/ds", "a DataSource");

    private static Object lookup(String name) throws NameNotFoundException {
        Object found = JNDI.get(name);
        if (found == null) {
            throw new NameNotFoundException(name);
        }
        return found;
    }

    @Test
    void theUnitsAtTheNamesOfTheSetting() {
        assertEquals(List.of(UNIT), ModstampCacheEvictor.lookup("Bean", ModstampCacheEvictor.DEFAULT_PERSISTENCE_UNIT,
                ModstampCacheEvictorTest::lookup));
        assertEquals(2, ModstampCacheEvictor.lookup("Bean", " java:comp/env/modstamp/cache , java:comp/env/other",
                ModstampCacheEvictorTest::lookup).size());
    }

    @Test
    void aMissingUnitNamesTheSettingAndTheFix() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> ModstampCacheEvictor.lookup("CacheEvictor", "java:comp/env/nothing", ModstampCacheEvictorTest::lookup));
        assertTrue(missing.getMessage().contains("CacheEvictor has no persistence unit at java:comp/env/nothing")
                && missing.getMessage().contains(ModstampCacheEvictor.PERSISTENCE_UNITS)
                && missing.getMessage().contains("@PersistenceUnit(name = \"modstamp/cache\")"), missing.getMessage());
        IllegalStateException wrong = assertThrows(IllegalStateException.class,
                () -> ModstampCacheEvictor.lookup("CacheEvictor", "java:comp/env/jdbc/ds", ModstampCacheEvictorTest::lookup));
        assertTrue(wrong.getMessage().contains("not an EntityManagerFactory"), wrong.getMessage());
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> ModstampCacheEvictor.lookup("CacheEvictor", " , ", ModstampCacheEvictorTest::lookup));
        assertTrue(none.getMessage().contains("names no persistence unit"), none.getMessage());
    }
}
