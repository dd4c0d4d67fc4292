package org.modstamp.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Empties Payara Micro's root directory (target/payara-root, see arquillian.xml) before a test class
 * starts its container: Payara keeps the applications of earlier runs there and would redeploy them.
 */
public final class FreshPayaraRoot implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Path root = Path.of("target", "payara-root");
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
