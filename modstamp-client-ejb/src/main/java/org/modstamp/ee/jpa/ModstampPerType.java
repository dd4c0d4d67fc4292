package org.modstamp.ee.jpa;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * On an entity class: {@link ModstampEntityListener} announces a change of any of its instances under the one id
 * {@code jpa.<EntityName>} rather than per instance: for small types read as a whole, whose every change should
 * evict them all.
 */
@Documented
@Inherited
@Retention(RUNTIME)
@Target(TYPE)
public @interface ModstampPerType {
}
