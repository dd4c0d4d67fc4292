package org.modstamp.server.settings;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * docs/operations.md against the declarations in {@link Settings}: every setting and every {@code serve} option
 * is documented, with its default on the line that names it.
 */
class SettingsDocumentedTest {
    private static final List<String> DOCS = lines();

    private static List<String> lines() {
        try {
            return Files.readAllLines(Path.of("..", "docs", "operations.md"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines of the docs that name {@code what} in backticks (an option may be followed by its parameter). */
    private static List<String> naming(String what) {
        return DOCS.stream().filter(line -> line.contains("`" + what + "`") || line.contains("`" + what + " ")).toList();
    }

    private static void documented(String what, String defaultValue) {
        List<String> lines = naming(what);
        assertTrue(!lines.isEmpty(), what + " is not documented in docs/operations.md");
        if (defaultValue != null) {
            assertTrue(lines.stream().anyMatch(line -> line.contains(defaultValue)), what + ": no line that names it "
                    + "gives its default " + defaultValue + ": " + lines);
        }
    }

    @Test
    void everyPropertyOfTheWarIsDocumentedWithItsDefault() {
        for (Setting setting : Settings.ALL) {
            if (setting.limit() == null) {
                documented(setting.name(), setting.defaultValue());
            } else { // the limits share a row: `modstamp.limits.x`, `.y`, ... with their defaults in order
                String suffix = setting.name().substring("modstamp.limits".length());
                List<String> row = DOCS.stream().filter(line -> line.contains("`modstamp.limits.")
                        && (line.contains("`modstamp.limits" + suffix + "`") || line.contains("`" + suffix + "`"))).toList();
                assertTrue(!row.isEmpty() && row.get(0).contains(setting.defaultValue()), setting.name() + " with its default "
                        + setting.defaultValue() + " in the limits row: " + row);
            }
        }
    }

    @Test
    void everyOptionOfServeIsDocumentedWithItsDefault() {
        for (Setting setting : Settings.ALL) {
            if (setting.option() != null) {
                documented(setting.option(), setting.name().equals(Settings.REDIS.name()) ? null : setting.defaultValue());
            }
        }
    }
}
