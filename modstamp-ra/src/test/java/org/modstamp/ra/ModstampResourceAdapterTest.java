package org.modstamp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.InvalidPropertyException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modstamp.client.ModstampClient;
import org.modstamp.ra.api.ModstampChange;
import org.modstamp.ra.api.ModstampConnection;
import org.modstamp.ra.api.ModstampConnectionFactory;
import org.modstamp.ra.inbound.ModstampActivationSpec;
import org.modstamp.ra.outbound.ModstampManagedConnectionFactory;
import org.modstamp.server.ModstampServer;
import org.modstamp.server.ServerConfig;
import org.modstamp.server.store.MemoryValueStore;

/** The adapter's logic without a container: a real server, a fake WorkManager and fake endpoints. */
class ModstampResourceAdapterTest {
    private RunningAdapter running;
    private ModstampServer server;
    private String address;
    private FakeContainer container;
    private ModstampResourceAdapter adapter;
    private ModstampClient producer;

    @BeforeEach
    void start() throws Exception {
        running = RunningAdapter.start(a -> { });
        server = running.server;
        address = running.address;
        container = running.container;
        adapter = running.adapter;
        producer = running.producer;
    }

    @AfterEach
    void stop() throws Exception {
        running.close();
    }

    private ModstampActivationSpec spec(String server, String ids) {
        ModstampActivationSpec spec = new ModstampActivationSpec();
        spec.setServer(server);
        spec.setModstamps(ids);
        return spec;
    }

    /** Activates {@code bean} on {@code ra} and waits until its listen knows the first value of every id. */
    private static void activateAndAwaitListening(ModstampResourceAdapter ra, String name,
                                                  org.modstamp.ra.api.ModstampListener bean,
                                                  ModstampActivationSpec spec) throws Exception {
        ra.endpointActivation(FakeContainer.endpoints(name, bean), spec);
        assertTrue(ra.activation(spec).orElseThrow().awaitListening(Duration.ofSeconds(5)), name + " listens");
    }

    /** A bean that queues what it gets. */
    private static final class Bean implements org.modstamp.ra.api.ModstampListener {
        final BlockingQueue<ModstampChange> got = new LinkedBlockingQueue<>();

        @Override
        public void onModstampChange(ModstampChange change) {
            got.add(change);
        }

        ModstampChange next() throws InterruptedException {
            return got.poll(3, TimeUnit.SECONDS);
        }
    }

    @Test
    void changesReachTheBeanWithIdValueAndPreviousValue() throws Exception {
        producer.push(Map.of("orders", "1"));
        Bean bean = new Bean();
        activateAndAwaitListening(adapter, "OrdersBean", bean, spec(address, "orders, stock")); // first values silently
        producer.push(Map.of("orders", "2"));
        ModstampChange change = bean.next();
        assertEquals("orders", change.id());
        assertEquals("2", change.value());
        assertEquals("1", change.previousValue());
        assertEquals(address, change.server());
        producer.push(Map.of("stock", "9"));
        ModstampChange stock = bean.next();
        assertEquals("9", stock.value());
        assertNull(stock.previousValue(), "stock had no value before");
    }

    @Test
    void whenTheClientUnderABeanDiesTheBeanListensAgainOnANewOne() throws Exception {
        Bean bean = new Bean();
        activateAndAwaitListening(adapter, "Phoenix", bean, spec(address, "phoenix"));
        InetSocketAddress dead = adapter.clients().client(address).localAddress();
        adapter.clients().client(address).close(); // the shared client's loop ends
        awaitListenerOtherThan("phoenix", dead); // the bean listens again, from the replacement client
        producer.push(Map.of("phoenix", "1"));
        producer.push(Map.of("phoenix", "2"));
        ModstampChange change = bean.next();
        assertTrue(change != null && List.of("1", "2").contains(change.value()),
                "a change arrives through the replacement client: " + change);
    }

    @Test
    void aChangeMadeWhileNoClientListenedIsDeliveredOnceTheBeanListensAgain() throws Exception {
        Bean bean = new Bean();
        ModstampActivationSpec gap = spec(address, "gap");
        adapter.endpointActivation(FakeContainer.endpoints("Gap", bean), gap);
        // until the bean's first Query is answered: its first value is learned silently
        assertTrue(adapter.activation(gap).orElseThrow().awaitListening(Duration.ofSeconds(5)));
        producer.push(Map.of("gap", "1"));
        assertEquals("1", bean.next().value());
        container.refusing = true; // no replacement client can run yet
        var closed = adapter.clients().client(address);
        closed.close();
        assertTrue(closed.isClosed());
        producer.push(Map.of("gap", "2")); // nobody listens now
        container.refusing = false;
        ModstampChange change = bean.next();
        assertTrue(change != null && "2".equals(change.value()) && "1".equals(change.previousValue()),
                "the change made in the gap arrives, with the value known before it: " + change);
    }

    @Test
    void theAdapterTalksThroughTheEncryptedProfile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        java.nio.file.Path keyFile = dir.resolve("ops.key");
        java.nio.file.Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(key));
        var ops = org.modstamp.security.SecurityProfile.aead("ops", org.modstamp.security.Permission.DEFAULT, key);
        try (ModstampServer sealed = ModstampServer.start(ServerConfig.defaults()
                .withListen(new InetSocketAddress("127.0.0.1", 0))
                .withProfiles(new org.modstamp.security.SecurityProfiles(List.of(ops,
                        org.modstamp.security.SecurityProfile.plain(org.modstamp.security.Permission.NONE)))),
                new MemoryValueStore());
             FakeContainer other = new FakeContainer()) {
            String at = "127.0.0.1:" + sealed.port();
            ModstampResourceAdapter sealedAdapter = new ModstampResourceAdapter();
            sealedAdapter.setAeadId("ops");
            sealedAdapter.setAeadKeyFile(keyFile.toString());
            sealedAdapter.start(other);
            try (ModstampClient sealedProducer = ModstampClient.open(new InetSocketAddress("127.0.0.1", sealed.port()),
                    org.modstamp.client.ClientConfig.defaults().withProfile(ops))) {
                Bean bean = new Bean();
                activateAndAwaitListening(sealedAdapter, "Sealed", bean, spec(at, "enc"));
                sealedProducer.push(Map.of("enc", "1"));
                ModstampChange change = bean.next();
                assertEquals("1", change == null ? null : change.value(), "delivered through sealed datagrams");
            } finally {
                sealedAdapter.stop();
            }
        }
    }

    @Test
    void overlappingBeansEachGetEachChangeOnce() throws Exception {
        Bean a = new Bean();
        Bean b = new Bean();
        activateAndAwaitListening(adapter, "A", a, spec(address, "x,y"));
        activateAndAwaitListening(adapter, "B", b, spec(address, "y,z"));
        producer.push(Map.of("y", "1"));
        assertEquals("1", a.next().value());
        assertEquals("1", b.next().value());
        producer.push(Map.of("x", "1"));
        assertEquals("x", a.next().id());
        Thread.sleep(200); // a check that nothing more arrives, bounded
        assertEquals(0, a.got.size() + b.got.size(), "nobody got anything twice, B nothing of x");
    }

    @Test
    void aThrowingBeanKeepsGettingLaterChangesAndASlowOneStallsNobody() throws Exception {
        Bean good = new Bean();
        BlockingQueue<String> thrown = new LinkedBlockingQueue<>();
        CountDownLatch slowRelease = new CountDownLatch(1);
        activateAndAwaitListening(adapter, "Thrower", change -> {
            thrown.add(change.value());
            throw new IllegalStateException("bean failure for " + change.value());
        }, noRedelivery(spec(address, "t")));
        activateAndAwaitListening(adapter, "Slow", change -> {
            try {
                slowRelease.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, spec(address, "t"));
        activateAndAwaitListening(adapter, "Good", good, spec(address, "t"));
        for (int i = 1; i <= 3; i++) {
            producer.push(Map.of("t", String.valueOf(i)));
            assertEquals(String.valueOf(i), good.next().value(), "the slow bean does not hold up the good one");
            assertEquals(String.valueOf(i), thrown.poll(3, TimeUnit.SECONDS), "the thrower still gets change " + i);
        }
        slowRelease.countDown();
    }

    /** Waits (at most 10 s) until the server knows a listener of {@code id} at another address than {@code old}. */
    private void awaitListenerOtherThan(String id, InetSocketAddress old) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.listeners(id).stream().allMatch(old::equals)) {
            assertTrue(System.nanoTime() < deadline, "no listener of " + id + " but " + old);
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
    }

    private static ModstampActivationSpec noRedelivery(ModstampActivationSpec spec) {
        spec.setMaxRedeliveries(0);
        return spec;
    }

    @Test
    void deactivationStopsTheQueries() throws Exception {
        try (DatagramChannel fakeServer = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            fakeServer.configureBlocking(false);
            String to = "127.0.0.1:" + ((InetSocketAddress) fakeServer.getLocalAddress()).getPort();
            ModstampActivationSpec spec = spec(to, "q");
            spec.setQueryInterval(1);
            var factory = FakeContainer.endpoints("Q", new Bean());
            adapter.endpointActivation(factory, spec);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int queries = 0;
            while (queries == 0 && System.nanoTime() < deadline) {
                queries = drain(fakeServer);
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            assertTrue(queries > 0, "Queries while active");
            adapter.endpointDeactivation(factory, spec);
            drain(fakeServer);
            Thread.sleep(1500); // a check that nothing happens: more than the query interval, bounded
            assertEquals(0, drain(fakeServer), "no Query after deactivation");
        }
    }

    private static int drain(DatagramChannel channel) throws Exception {
        int n = 0;
        ByteBuffer buf = ByteBuffer.allocate(2048);
        while (channel.receive(buf) != null) {
            buf.clear();
            n++;
        }
        return n;
    }

    @Test
    void validateNamesTheBadPropertyAndWhatIsAllowed() {
        var e = assertThrows(InvalidPropertyException.class, () -> spec(null, "a").validate());
        assertTrue(e.getMessage().contains("'server' is required"), e.getMessage());
        e = assertThrows(InvalidPropertyException.class, () -> spec(address, " , ").validate());
        assertTrue(e.getMessage().contains("'modstamps' is required"), e.getMessage());
        e = assertThrows(InvalidPropertyException.class, () -> spec(address, "ok,bad id").validate());
        assertTrue(e.getMessage().contains("'bad id' is not a valid id"), e.getMessage());
        ModstampActivationSpec initial = spec(address, "a");
        initial.setInitialValues("first");
        e = assertThrows(InvalidPropertyException.class, initial::validate);
        assertTrue(e.getMessage().contains("'changes-only' or 'all'"), e.getMessage());
        e = assertThrows(InvalidPropertyException.class, () -> spec("host:99999", "a").validate());
        assertTrue(e.getMessage().contains("'server'"), e.getMessage());
    }

    @Test
    void placeholdersInPropertiesAreResolved() throws Exception {
        System.setProperty("modstamp.unit.server", address);
        ModstampActivationSpec spec = spec("${modstamp.unit.server}", "${modstamp.unit.ids:p1,p2}");
        spec.validate();
        assertEquals(address, spec.getServer());
        assertEquals(List.of("p1", "p2"), spec.ids());
        var e = assertThrows(InvalidPropertyException.class, () -> spec("${modstamp.unit.none}", "a").validate());
        assertTrue(e.getMessage().contains("system property modstamp.unit.none"), e.getMessage());
    }

    @Test
    void initialValuesAllDeliversTheFirstValue() throws Exception {
        producer.push(Map.of("first", "v"));
        Bean bean = new Bean();
        ModstampActivationSpec spec = spec(address, "first");
        spec.setInitialValues("all");
        adapter.endpointActivation(FakeContainer.endpoints("Initial", bean), spec);
        ModstampChange change = bean.next();
        assertEquals("v", change.value());
        assertNull(change.previousValue());
    }

    @Test
    void outboundConnectionPushesAndGetsThroughTheAdaptersClient() throws Exception {
        ModstampManagedConnectionFactory mcf = new ModstampManagedConnectionFactory();
        mcf.setResourceAdapter(adapter);
        mcf.setServer(address);
        ConnectionManager manager = (factory, info) ->
                ((ModstampManagedConnectionFactory) factory).createManagedConnection(null, info).getConnection(null, info);
        ModstampConnectionFactory factory = (ModstampConnectionFactory) mcf.createConnectionFactory(manager);
        try (ModstampConnection connection = factory.getConnection()) {
            assertEquals(Map.of("out", "1"), connection.push(Map.of("out", "1")));
            assertEquals(Map.of("out", "1"), connection.get(List.of("out")));
        }
        ModstampManagedConnectionFactory unassociated = new ModstampManagedConnectionFactory();
        var e = assertThrows(jakarta.resource.ResourceException.class,
                () -> unassociated.createManagedConnection(null, null).getConnection(null, null));
        assertTrue(e.getMessage().contains("not associated"), e.getMessage());
    }
}
