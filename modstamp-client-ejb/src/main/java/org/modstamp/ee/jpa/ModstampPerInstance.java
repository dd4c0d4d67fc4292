package org.modstamp.ee.jpa;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * On an entity class: {@link ModstampEntityListener} announces a change of one of its instances under the id
 * {@code jpa.<EntityName>.<primaryKey>}, and fails the flush when it cannot: the primary key must be a single
 * basic value whose text is made of {@code [0-9A-Za-z_.:-]} (numbers, UUIDs, simple strings). Without an
 * annotation an entity is announced per instance too, but falls back to {@code jpa.<EntityName>} where no instance
 * id can be made; {@link ModstampPerType} announces the type only.
 */
@Documented
@Inherited
@Retention(RUNTIME)
@Target(TYPE)
public @interface ModstampPerInstance {
}
