package org.modstamp.example.jpacache;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.persistence.PersistenceUnit;

import org.modstamp.ee.jpa.ModstampCacheEvictor;
import org.modstamp.ra.api.ModstampListener;

/**
 * Evicts greetings, and each setting that changed, from this instance's shared cache when any instance commits a
 * change of them. The ids it listens to are {@code jpacache.evict} (default {@code jpa.Greeting,jpa.Setting.*}:
 * every greeting as a type, each setting that changed, watched without naming it); an id nobody pushes turns
 * eviction off, which is how the test shows what happens without it.
 */
@MessageDriven(messageListenerInterface = ModstampListener.class, activationConfig = {
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "modstamp-ra"),
    @ActivationConfigProperty(propertyName = "server", propertyValue = "${modstamp.server}"),
    @ActivationConfigProperty(propertyName = "modstamps", propertyValue = "${jpacache.evict:jpa.Greeting,jpa.Setting.*}")})
@PersistenceUnit(name = "modstamp/cache", unitName = "greetings")
public class CacheEvictor extends ModstampCacheEvictor {
}
