package org.modstamp.it;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The Java snippets of a Markdown page that are marked for a test (an HTML comment starting
 * {@code <!-- DocsSnippetsTest} right above the fence), compiled as they are, with the imports the page leaves out,
 * into a package of their own, beside Java files of the test that use them.
 */
final class DocSnippets {
    private static final Pattern MARKED = Pattern.compile("<!-- DocsSnippetsTest[^\\n]*-->\\n```java\\n(.*?)\\n```",
            Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("public class (\\w+)");
    private static final List<String> IMPORTS = List.of("jakarta.annotation.Resource", "jakarta.ejb.ActivationConfigProperty",
            "jakarta.ejb.MessageDriven", "jakarta.enterprise.context.ApplicationScoped", "jakarta.inject.Inject", "jakarta.resource.ConnectionFactoryDefinition",
            "jakarta.resource.ResourceException", "java.time.Instant", "java.util.Map", "org.modstamp.ra.api.*");

    private DocSnippets() {
    }

    /** The marked snippets of {@code page}, each a source file of {@code pkg}. */
    static List<Path> write(Path page, String pkg, Path sources) throws IOException {
        Matcher snippet = MARKED.matcher(Files.readString(page));
        List<Path> files = new ArrayList<>();
        StringBuilder header = new StringBuilder("package " + pkg + ";\n");
        IMPORTS.forEach(name -> header.append("import ").append(name).append(";\n"));
        while (snippet.find()) {
            Matcher name = CLASS.matcher(snippet.group(1));
            if (!name.find()) {
                throw new IllegalStateException("a marked snippet of " + page + " declares no public class: "
                        + snippet.group(1));
            }
            Path file = sources.resolve(name.group(1) + ".java");
            Files.createDirectories(sources);
            Files.writeString(file, header + snippet.group(1) + "\n");
            files.add(file);
        }
        return files;
    }

    /** Compiles {@code sources} against the test's class path into {@code classes}; fails with javac's messages. */
    static void compile(List<Path> sources, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter messages = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
            Files.createDirectories(classes);
            boolean compiled = javac.getTask(messages, files, null, List.of("-d", classes.toString(), "-classpath",
                    System.getProperty("java.class.path"), "-proc:none"), null, units).call();
            if (!compiled) {
                throw new IllegalStateException("the snippets do not compile:\n" + messages);
            }
        }
    }

    /** The class files under {@code classes}, relative to it. */
    static List<Path> classFiles(Path classes) throws IOException {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(f -> f.toString().endsWith(".class")).map(classes::relativize).toList();
        }
    }
}
