package org.modstamp.testing;

import java.util.concurrent.Callable;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private database server for a test class: started before its first test, closed after its last. Register it
 * on a field of a class whose instance lives for all its tests ({@code @TestInstance(PER_CLASS)}):
 * {@code @RegisterExtension final DatabaseServerExtension database = new DatabaseServerExtension(this::start);}
 */
public final class DatabaseServerExtension implements BeforeAllCallback, AfterAllCallback {
    private final Callable<TestDatabase> start;
    private TestDatabase server;

    public DatabaseServerExtension(Callable<TestDatabase> start) {
        this.start = start;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = start.call();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** The server, once the class's tests run. */
    public TestDatabase server() {
        return server;
    }
}
