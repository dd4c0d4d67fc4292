package org.modstamp.example.jpacache;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

/** Reads greetings and settings (from the shared cache when it holds them) and changes them, one transaction each. */
@ApplicationScoped
public class Greetings {
    @PersistenceContext(unitName = "greetings")
    EntityManager em;

    @Resource
    TransactionSynchronizationRegistry transaction;

    /** The text of greeting {@code id}, or null when there is none. */
    public String text(long id) {
        Greeting greeting = em.find(Greeting.class, id);
        return greeting == null ? null : greeting.getText();
    }

    /** The text of setting {@code name}, or null when there is none. */
    public String setting(String name) {
        Setting setting = em.find(Setting.class, name);
        return setting == null ? null : setting.getText();
    }

    /** Sets the text of setting {@code name}, creating it when missing; returns once committed. */
    @Transactional
    public void setSetting(String name, String text) {
        Setting setting = em.find(Setting.class, name);
        if (setting == null) {
            em.persist(new Setting(name, text));
        } else {
            setting.setText(text);
        }
    }

    /**
     * Sets the text of greeting {@code id}, creating it when missing; returns once committed, with
     * {@code System.nanoTime()} just before the database commit (after the flush) in {@code committing} and just
     * after it in {@code committed}.
     */
    @Transactional
    public void set(long id, String text, AtomicLong committing, AtomicLong committed) {
        transaction.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                committing.set(System.nanoTime());
            }

            @Override
            public void afterCompletion(int status) {
                committed.set(System.nanoTime());
            }
        });
        Greeting greeting = em.find(Greeting.class, id);
        if (greeting == null) {
            em.persist(new Greeting(id, text));
        } else {
            greeting.setText(text);
        }
    }
}
