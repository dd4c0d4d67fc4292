package org.modstamp.example.jpacache;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.ExcludeDefaultListeners;
import jakarta.persistence.Id;

import org.modstamp.ee.jpa.ModstampEntityListener;
import org.modstamp.ee.jpa.ModstampPerType;

/**
 * A greeting, kept in the JPA shared cache of every instance ({@code @Cacheable} with
 * {@code ENABLE_SELECTIVE}); each commit that changes one is announced as {@code jpa.Greeting} (the whole type:
 * {@code @ModstampPerType}). It names its
 * listener with an annotation (and so leaves out the default one of {@code orm.xml}, which would announce it twice).
 */
@Entity
@Cacheable
@ExcludeDefaultListeners
@EntityListeners(ModstampEntityListener.class)
@ModstampPerType
public class Greeting {
    @Id
    private Long id;

    private String text;

    protected Greeting() {
    }

    public Greeting(Long id, String text) {
        this.id = id;
        this.text = text;
    }

    public Long getId() {
        return id;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }
}
