package org.modstamp.server.war;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Health: live while the UDP socket is bound; ready while the value store answers. */
public final class ServerHealth {
    private ServerHealth() {
    }

    @Liveness
    @ApplicationScoped
    public static class SocketBound implements HealthCheck {
        @Inject
        ServerLifecycle lifecycle;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("modstamp-udp").status(lifecycle.isRunning()).build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class StoreReachable implements HealthCheck {
        @Inject
        ServerLifecycle lifecycle;

        @Override
        public HealthCheckResponse call() {
            try {
                lifecycle.server().checkStore();
                int ids = lifecycle.server().size(); // runs on the engine thread, waits at most 10 s
                return HealthCheckResponse.named("modstamp-store").up().withData("ids", ids).build();
            } catch (Exception e) {
                return HealthCheckResponse.named("modstamp-store").down().withData("error", String.valueOf(e.getMessage())).build();
            }
        }
    }
}
