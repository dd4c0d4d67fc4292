package org.modstamp.server.war;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.ForbiddenException;

/**
 * Who may read values and listener addresses, and change values, over HTTP: a request from
 * {@code modstamp.admin.hosts}, or one that carries {@code Authorization: Bearer <modstamp.admin.token>}.
 * Anyone else sees the counters of the status only: values and listener addresses would undo the
 * confidentiality of the encrypted profile, and make forging Signals easy.
 */
@ApplicationScoped
public class OperatorAccess {
    @Inject
    ServerSettings settings;

    /** Refuses (403, saying what is allowed) a request that is not an operator's. */
    void require(HttpServletRequest request, String what) throws UnknownHostException {
        if (fromAdminHost(request) || carriesToken(request)) {
            return;
        }
        throw new ForbiddenException(what + " over HTTP is allowed from modstamp.admin.hosts, or with the "
                + "bearer token of modstamp.admin.token, only");
    }

    private boolean fromAdminHost(HttpServletRequest request) throws UnknownHostException {
        InetAddress from = InetAddress.getByName(request.getRemoteAddr());
        return settings.adminHosts().stream().anyMatch(h -> h.matches(from));
    }

    private boolean carriesToken(HttpServletRequest request) {
        String token = settings.adminToken();
        String header = request.getHeader("Authorization");
        if (token.isEmpty() || header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
    }
}
