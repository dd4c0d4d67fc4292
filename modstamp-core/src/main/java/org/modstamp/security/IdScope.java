package org.modstamp.security;

import java.util.List;

import org.modstamp.wire.Ids;

/**
 * The ids a security profile entry covers: every id (no list), or those of a list of exact ids and prefixes
 * ending with {@code *} ({@code public.*}: every id starting with {@code public.}).
 */
public record IdScope(List<String> patterns) {
    public static final IdScope ALL = new IdScope(List.of());

    public IdScope {
        patterns = List.copyOf(patterns);
        for (String pattern : patterns) {
            String fixed = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
            if (!(fixed.isEmpty() && pattern.equals("*")) && !Ids.isValid(fixed)) {
                throw new IllegalArgumentException("'" + pattern + "' is neither an id nor a prefix ending with *"
                        + " (ids are 1..255 characters of [0-9A-Za-z_.:-])");
            }
        }
    }

    /** Whether {@code id} is covered. */
    public boolean covers(String id) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (String pattern : patterns) {
            if (pattern.endsWith("*") ? id.startsWith(pattern.substring(0, pattern.length() - 1)) : id.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** Whether every id that starts with {@code prefix} is covered (a watch of it reads only ids it may read). */
    public boolean coversPrefix(String prefix) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (String pattern : patterns) {
            if (pattern.endsWith("*") && prefix.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    public boolean coversAll() {
        return patterns.isEmpty();
    }
}
