package org.modstamp.client;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a listen's or a watch's first answer. */
final class Readiness {
    private Readiness() {
    }

    /** True when {@code ready} completed within {@code timeout}; throws IllegalStateException when it failed. */
    static boolean await(CompletionStage<Void> ready, Duration timeout, String what) throws InterruptedException {
        try {
            ready.toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IllegalStateException ended ? ended
                    : new IllegalStateException(what + " failed", e.getCause());
        }
    }
}
