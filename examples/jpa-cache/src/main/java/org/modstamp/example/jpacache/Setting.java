package org.modstamp.example.jpacache;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import org.modstamp.ee.jpa.ModstampPerInstance;

/**
 * A named setting, cached, announced per instance: a change of setting {@code motd} is announced as
 * {@code jpa.Setting.motd}, and the evictor, watching {@code jpa.Setting.*}, evicts that setting alone. Its
 * listener comes from {@code META-INF/orm.xml} (a default listener for every entity of the unit), not from an
 * annotation.
 */
@Entity
@Cacheable
@ModstampPerInstance
public class Setting {
    @Id
    private String name;

    private String text;

    protected Setting() {
    }

    public Setting(String name, String text) {
        this.name = name;
        this.text = text;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }
}
