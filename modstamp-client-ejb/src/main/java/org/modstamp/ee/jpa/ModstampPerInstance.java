package org.modstamp.ee.jpa;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * On an entity class: {@link ModstampEntityListener} announces a change of one of its instances under the id
 * {@code jpa.<EntityName>.<primaryKey>} instead of {@code jpa.<EntityName>}, for types whose instances are
 * watched individually (a listener names each instance it watches). The primary key must be a single basic
 * value whose text is made of {@code [0-9A-Za-z_.:-]} (numbers, UUIDs, simple strings).
 */
@Documented
@Inherited
@Retention(RUNTIME)
@Target(TYPE)
public @interface ModstampPerInstance {
}
