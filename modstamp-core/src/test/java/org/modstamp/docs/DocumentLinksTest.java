package org.modstamp.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The repository stands alone: every document its docs, sources and build files name (a relative Markdown
 * link, or a file name ending in .md) is in it.
 */
class DocumentLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
    private static final Pattern MD_NAME = Pattern.compile("\\b([A-Za-z0-9_-]+\\.md)\\b");

    private static List<Path> files() throws IOException {
        try (Stream<Path> all = Files.walk(ROOT)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")
                            && !p.toString().contains("/.cache/"))
                    .filter(p -> p.toString().matches(".*\\.(md|java|xml|sh|cli|html)$")
                            || p.getFileName().toString().matches("run-.*|README.*"))
                    .toList();
        }
    }

    @Test
    void theRootIsTheRepository() {
        assertTrue(Files.exists(ROOT.resolve("pom.xml")) && Files.exists(ROOT.resolve("README.md")), ROOT.toString());
    }

    @Test
    void everyDocumentNamedIsInTheRepository() throws IOException {
        List<String> missing = new ArrayList<>();
        List<String> mdFiles;
        try (Stream<Path> all = Files.walk(ROOT)) {
            mdFiles = all.filter(p -> p.toString().endsWith(".md") && !p.toString().contains("/target/"))
                    .map(p -> p.getFileName().toString()).toList();
        }
        for (Path file : files()) {
            String text = Files.readString(file);
            if (file.toString().endsWith(".md")) {
                Matcher link = LINK.matcher(text);
                while (link.find()) {
                    String target = link.group(1);
                    if (!target.contains("://") && !target.startsWith("mailto:")
                            && !Files.exists(file.getParent().resolve(target).normalize())) {
                        missing.add(ROOT.relativize(file) + " links to " + target);
                    }
                }
            }
            Matcher name = MD_NAME.matcher(text);
            while (name.find()) {
                if (!mdFiles.contains(name.group(1))) {
                    missing.add(ROOT.relativize(file) + " names " + name.group(1));
                }
            }
        }
        assertEquals(List.of(), missing);
    }
}
