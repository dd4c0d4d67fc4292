package org.modstamp.ra;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${name}} (a system property) and {@code ${ENV=NAME}} (an environment variable), each
 * with an optional {@code :default}, in property values, for servers that don't substitute them in
 * annotations themselves. Payara resolves them already; WildFly only when told to.
 */
public final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(ENV=)?([^}:]+)(?::([^}]*))?}");

    private Placeholders() {
    }

    /** {@code value} with its placeholders resolved; fails naming a placeholder that has no value. */
    public static String resolve(String value) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2);
            String resolved = m.group(1) != null ? System.getenv(name) : System.getProperty(name);
            if (resolved == null) {
                resolved = m.group(3);
            }
            if (resolved == null) {
                throw new IllegalArgumentException("'" + m.group() + "' has no value: set the "
                        + (m.group(1) != null ? "environment variable " : "system property ") + name
                        + " or give a default (${" + (m.group(1) != null ? "ENV=" : "") + name + ":default})");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }
}
