package org.modstamp.example.jpacache;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** Reads greetings (from the shared cache when it holds them) and changes them, one transaction each. */
@ApplicationScoped
public class Greetings {
    @PersistenceContext(unitName = "greetings")
    EntityManager em;

    /** The text of greeting {@code id}, or null when there is none. */
    public String text(long id) {
        Greeting greeting = em.find(Greeting.class, id);
        return greeting == null ? null : greeting.getText();
    }

    /** Sets the text of greeting {@code id}, creating it when missing; returns once committed. */
    @Transactional
    public void set(long id, String text) {
        Greeting greeting = em.find(Greeting.class, id);
        if (greeting == null) {
            em.persist(new Greeting(id, text));
        } else {
            greeting.setText(text);
        }
    }
}
