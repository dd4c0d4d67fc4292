package org.modstamp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.modstamp.client.KeepAliveStatus;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampListener;
import org.modstamp.ra.inbound.ModstampActivation;
import org.modstamp.ra.inbound.ModstampActivationSpec;

/**
 * The adapter's listens keep their mapping open with the client's keep-alive: adaptive by default (the server
 * reports the address it sees, probes start), fixed when the adapter says so; what it knows is logged at FINE.
 */
class KeepAliveReportTest {
    private static final ModstampListener IGNORING = (ModstampChange change) -> { };

    private static ModstampActivation activate(RunningAdapter running, String ids) throws Exception {
        ModstampActivationSpec spec = new ModstampActivationSpec();
        spec.setServer(running.address);
        spec.setModstamps(ids);
        spec.setQueryInterval(1); // the adapter's timer looks at the keep-alive every query interval
        running.adapter.endpointActivation(FakeContainer.endpoints("KeepAliveBean", IGNORING), spec);
        ModstampActivation activation = running.adapter.activation(spec).orElseThrow();
        assertTrue(activation.awaitListening(Duration.ofSeconds(5)));
        return activation;
    }

    @Test
    void anAdaptiveKeepAliveIsReportedWithTheAddressTheServerSees() throws Exception {
        try (RunningAdapter running = RunningAdapter.start(a -> { });
             LogRecords log = new LogRecords(ModstampActivation.class.getName())) {
            ModstampActivation activation = activate(running, "orders");
            assertNotNull(log.await("keep-alive every", 10), "the keep-alive is logged at FINE");
            KeepAliveStatus status = activation.keepAlive().orElseThrow();
            assertTrue(status.adaptive());
            assertTrue(status.serverProbes(), "this project's server answers the mapping probes");
            assertEquals(running.adapter.clients().client(running.address).localAddress().getPort(),
                    status.seenAs().getPort(), "no NAT on loopback: the server sees the socket's own port");
            assertTrue(status.probes() > 0, "lifetime probes started: " + status);
            assertEquals(0, status.mappingChanges());
        }
    }

    @Test
    void aFixedKeepAliveIsTheActivationsQueryInterval() throws Exception {
        try (RunningAdapter running = RunningAdapter.start(a -> a.setKeepAlive("fixed"))) {
            KeepAliveStatus status = activate(running, "stock").keepAlive().orElseThrow();
            assertFalse(status.adaptive());
            assertEquals(0, status.probes());
        }
        ModstampResourceAdapter wrong = new ModstampResourceAdapter();
        wrong.setKeepAlive("sometimes");
        assertThrows(IllegalArgumentException.class, wrong::clientConfig);
    }
}
