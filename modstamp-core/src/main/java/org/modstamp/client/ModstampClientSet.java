package org.modstamp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Pushes to several servers at once (in parallel, each through its own client). The result holds the
 * ids that every server confirmed with the pushed value, and each server's own confirmations.
 */
public final class ModstampClientSet implements AutoCloseable {
    private final List<ModstampClient> clients;

    public ModstampClientSet(List<ModstampClient> clients) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("a client set needs at least one server");
        }
        this.clients = List.copyOf(clients);
    }

    /** Opens a client for each server. */
    public static ModstampClientSet open(List<InetSocketAddress> servers, ClientConfig config) throws IOException {
        List<ModstampClient> clients = new ArrayList<>();
        try {
            for (InetSocketAddress server : servers) {
                clients.add(ModstampClient.open(server, config));
            }
        } catch (IOException | RuntimeException e) {
            clients.forEach(ModstampClient::close);
            throw e;
        }
        return new ModstampClientSet(clients);
    }

    /** What a push to every server achieved. */
    public record Result(Map<String, String> confirmedByAll, Map<InetSocketAddress, Map<String, String>> perServer) {
        /** Whether every server confirmed every id of the push. */
        public boolean allConfirmed(Map<String, String> pushed) {
            return confirmedByAll.keySet().equals(pushed.keySet());
        }
    }

    /** Pushes to all servers in parallel and waits for all of them (each within its request timeout). */
    public Result push(Map<String, String> changes) {
        return pushAsync(changes).join();
    }

    public CompletableFuture<Result> pushAsync(Map<String, String> changes) {
        List<CompletableFuture<Map<String, String>>> futures = new ArrayList<>();
        for (ModstampClient client : clients) {
            futures.add(client.pushAsync(changes).exceptionally(failure -> Map.of()));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<InetSocketAddress, Map<String, String>> perServer = new LinkedHashMap<>();
            Map<String, String> byAll = null;
            for (int i = 0; i < clients.size(); i++) {
                Map<String, String> confirmed = futures.get(i).join();
                perServer.put(clients.get(i).server(), confirmed);
                if (byAll == null) {
                    byAll = new LinkedHashMap<>(confirmed);
                } else {
                    byAll.keySet().retainAll(confirmed.keySet());
                }
            }
            return new Result(Collections.unmodifiableMap(byAll), Collections.unmodifiableMap(perServer));
        });
    }

    @Override
    public void close() {
        clients.forEach(ModstampClient::close);
    }
}
