package org.modstamp.ee;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;

/**
 * Selects the changes of one id: {@code void onOrders(@Observes @Modstamp("orders") ModstampChange change)}.
 * An observer without it sees the changes of every id.
 */
@Qualifier
@Retention(RUNTIME)
@Target({PARAMETER, FIELD, METHOD, TYPE})
public @interface Modstamp {
    String value();

    /** The qualifier as a value, for {@code Event.select}. */
    final class Literal extends AnnotationLiteral<Modstamp> implements Modstamp {
        private static final long serialVersionUID = 1L;
        private final String value;

        private Literal(String value) {
            this.value = value;
        }

        public static Literal of(String id) {
            return new Literal(id);
        }

        @Override
        public String value() {
            return value;
        }
    }
}
