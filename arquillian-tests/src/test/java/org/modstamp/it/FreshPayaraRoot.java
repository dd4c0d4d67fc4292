package org.modstamp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Empties Payara Micro's root directory (target/payara-root, see arquillian.xml) before a test class
 * starts its container: Payara keeps the applications of earlier runs there and would redeploy them. The
 * previous class's Payara may still be exiting and removing files of its own, so vanished files are fine
 * and the deletion is tried again for up to 10 seconds.
 */
public final class FreshPayaraRoot implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        Path root = Path.of("target", "payara-root");
        for (int attempt = 0; Files.exists(root); attempt++) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (NoSuchFileException | DirectoryNotEmptyException | UncheckedIOException e) {
                if (attempt == 100) {
                    throw new IOException("cannot empty " + root + " for a fresh Payara Micro", e);
                }
                Thread.sleep(100);
            }
        }
    }
}
