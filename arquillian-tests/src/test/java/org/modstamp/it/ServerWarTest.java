package org.modstamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.modstamp.client.ClientConfig;
import org.modstamp.client.ModstampClient;
import org.modstamp.wire.MappingProbe;
import org.modstamp.wire.MessageEncoder;

/**
 * modstamp-server.war in a real Payara Micro (UDP on the port Maven reserved, values in SQLite): UDP clients
 * push and listen, the REST API changes a value and the UDP listener gets the Signal, health and metrics
 * answer and move, and once Payara is gone the UDP port is free again.
 */
@ExtendWith({FreshPayaraRoot.class, ServerWarTest.PortFreedAfterwards.class, ArquillianExtension.class})
class ServerWarTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ModstampClient client;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/modstamp-server.war"));
    }

    static InetSocketAddress udp() {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getProperty("modstamp.test.war.port")));
    }

    @BeforeAll
    static void client() throws Exception {
        client = ModstampClient.open(udp(), ClientConfig.defaults());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    /** Runs after Arquillian stopped Payara Micro: the WAR released its UDP port. */
    static final class PortFreedAfterwards implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // Payara's JVM takes a moment to exit
            while (true) {
                try (DatagramChannel again = DatagramChannel.open()) {
                    again.bind(udp());
                    return;
                } catch (java.net.BindException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the UDP port " + udp() + " is still taken after undeploy", e);
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    private HttpResponse<String> http(String method, String url, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "text/plain");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String api(String path) {
        return base + "api/modstamps" + path;
    }

    /** The same API reached over loopback, where changes are allowed by default (modstamp.admin.hosts). */
    private String adminApi(String path) {
        return "http://127.0.0.1:" + base.getPort() + base.getPath() + "api/modstamps" + path;
    }

    private String root(String path) {
        return "http://" + base.getHost() + ":" + base.getPort() + path;
    }

    @Test
    void udpClientsPushGetAndListen() throws Exception {
        assertEquals(Map.of("w1", "1"), client.push(Map.of("w1", "1")));
        assertEquals(Map.of("w1", "1"), client.get(List.of("w1")));
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (ModstampClient listener = ModstampClient.open(udp(), ClientConfig.defaults())) {
            listener.listen(Map.of("w1", "1"), (id, value) -> seen.add(id + "=" + value));
            Thread.sleep(100);
            client.push(Map.of("w1", "2"));
            assertEquals("w1=2", seen.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void theRestApiChangesAValueAndUdpListenersGetTheSignal() throws Exception {
        client.push(Map.of("w2", "old"));
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (ModstampClient listener = ModstampClient.open(udp(), ClientConfig.defaults())) {
            listener.listen(Map.of("w2", "old"), (id, value) -> seen.add(id + "=" + value));
            Thread.sleep(100);
            if (!java.net.InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
                assertEquals(403, http("PUT", api("/w2"), "from afar").statusCode(),
                        "changes only from modstamp.admin.hosts; " + base.getHost() + " is not loopback");
            }
            HttpResponse<String> put = http("PUT", adminApi("/w2"), "from rest");
            assertEquals(200, put.statusCode(), put.body());
            assertTrue(put.body().contains("\"value\":\"from rest\""), put.body());
            assertEquals("w2=from rest", seen.poll(5, TimeUnit.SECONDS));
            HttpResponse<String> listeners = http("GET", adminApi("/w2/listeners"), null);
            assertTrue(listeners.body().contains("\"total\":1,") && listeners.body().contains(
                    "\"listeners\":[\"127.0.0.1:" + listener.localAddress().getPort() + "\"]"), listeners.body());
            HttpResponse<String> past = http("GET", adminApi("/w2/listeners?offset=2147483647&limit=1000"), null);
            assertTrue(past.statusCode() == 200 && past.body().contains("\"listeners\":[]")
                    && past.body().contains("\"total\":1,"), "a page past the end, without overflow: " + past.body());
            HttpResponse<String> tooMany = http("GET", adminApi("/w2/listeners?limit=1001"), null);
            assertEquals(400, tooMany.statusCode(), tooMany.body());
            assertTrue(tooMany.body().contains("limit 1..1000"), tooMany.body());
        }
        HttpResponse<String> list = http("GET", adminApi("?limit=1000"), null);
        assertTrue(list.body().contains("{\"id\":\"w2\",\"value\":\"from rest\""), list.body());
        assertEquals(204, http("DELETE", adminApi("/w2"), null).statusCode());
        assertEquals(null, client.get(List.of("w2")).get("w2"), "deleted");
        assertEquals(400, http("PUT", adminApi("/bad%20id"), "x").statusCode());
    }

    /**
     * An HTTP/1.1 GET of {@code path} sent from the loopback address {@code from} to the server's HTTP port,
     * with this Host header and headers; the whole answer.
     */
    private String rawGet(String from, String host, String path, String headers) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getByName("127.0.0.1"), base.getPort(),
                java.net.InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + base.getPath() + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n" + headers + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void valuesAndListenerAddressesAreForOperatorsOnly() throws Exception {
        client.push(Map.of("secret", "s1"));
        String host = "127.0.0.1:" + base.getPort();
        String value = rawGet("127.0.0.2", host, "api/modstamps/secret", ""); // not in modstamp.admin.hosts
        assertTrue(value.startsWith("HTTP/1.1 403") && value.contains("modstamp.admin.hosts") && !value.contains("s1"),
                value);
        String listeners = rawGet("127.0.0.2", host, "api/modstamps/secret/listeners", "");
        assertTrue(listeners.startsWith("HTTP/1.1 403"), listeners);
        String list = rawGet("127.0.0.2", host, "api/modstamps", "");
        assertTrue(list.startsWith("HTTP/1.1 403"), list);
        String withToken = rawGet("127.0.0.2", host, "api/modstamps/secret",
                "Authorization: Bearer " + System.getProperty("modstamp.test.admin.token") + "\r\n");
        assertTrue(withToken.startsWith("HTTP/1.1 200") && withToken.contains("\"value\":\"s1\""), withToken);
        String status = rawGet("127.0.0.2", host, "api/status", "");
        assertTrue(status.startsWith("HTTP/1.1 200") && status.contains("\"queries\""), "counters stay open: " + status);
        assertTrue(status.matches("(?s).*\"position\":\"[0-9a-f]{16}:[0-9]+\".*") && status.contains("\"keeps\""),
                "the store's position and the extensions' counters: " + status);
    }

    @Test
    void aRequestNamingAForeignHostIsRefused() throws Exception {
        String rebound = rawGet("127.0.0.1", "attacker.example:" + base.getPort(), "api/modstamps", "");
        assertTrue(rebound.startsWith("HTTP/1.1 403") && rebound.contains("modstamp.http.hosts"), rebound);
        String own = rawGet("127.0.0.1", "localhost:" + base.getPort(), "api/status", "");
        assertTrue(own.startsWith("HTTP/1.1 200"), own);
    }

    @Test
    void pagingPastTheEndGivesAnEmptyPageAndAnIdNamedStatusIsReadable() throws Exception {
        HttpResponse<String> page = http("GET", adminApi("?offset=2147483000&limit=1000"), null);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("[]", page.body());
        HttpResponse<String> bad = http("GET", adminApi("?offset=-1"), null);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("offset must be 0 or more"), "the body says what was wrong: " + bad.body());
        client.push(Map.of("status", "an id like any other"));
        HttpResponse<String> status = http("GET", adminApi("/status"), null);
        assertTrue(status.body().contains("\"value\":\"an id like any other\""), status.body());
    }

    /** Every metric the Grafana dashboard in the repository plots is exported under that name. */
    @Test
    void theGrafanaDashboardUsesMetricsTheServerExports() throws Exception {
        client.get(List.of("g1")); // a query, so that every counter and timer has been touched at least once
        client.push(Map.of("g1", "1"));
        String dashboard = java.nio.file.Files.readString(
                java.nio.file.Path.of("..", "modstamp-server-war", "src", "main", "grafana", "modstamp-dashboard.json"));
        java.util.Set<String> used = new java.util.TreeSet<>();
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("modstamp_[a-z_]+").matcher(dashboard);
        while (names.find()) {
            used.add(names.group());
        }
        assertTrue(used.size() >= 15, "the dashboard plots the server's metrics: " + used);
        String metrics = http("GET", root("/metrics"), null).body();
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "metrics.txt"), metrics);
        List<String> missing = used.stream().filter(name -> metrics.lines().noneMatch(l -> l.startsWith(name + "{")
                || l.startsWith(name + " "))).toList();
        assertEquals(List.of(), missing, "metrics the dashboard uses but /metrics lacks (see target/metrics.txt)");
    }

    @Test
    void healthAndMetricsAnswerAndTheCountersMove() throws Exception {
        HttpResponse<String> health = http("GET", root("/health"), null);
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("modstamp-udp") && health.body().contains("\"UP\""), health.body());
        long before = metric("modstamp_queries");
        client.get(List.of("m1", "m2"));
        assertEquals(before + 2, metric("modstamp_queries"));
        long probes = metric("modstamp_probes");
        try (DatagramChannel prober = DatagramChannel.open()) {
            prober.send(ByteBuffer.wrap(MessageEncoder.plainDatagram(MappingProbe.probe("k1", 0))), udp());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (metric("modstamp_probes") == probes && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(probes + 1, metric("modstamp_probes"), "a mapping probe is counted");
        assertEquals(0, metric("modstamp_probes_refused"));
        long watches = metric("modstamp_watches");
        long resets = metric("modstamp_watches_reset");
        try (DatagramChannel watcher = DatagramChannel.open()) {
            watcher.send(ByteBuffer.wrap(MessageEncoder.plainDatagram(org.modstamp.wire.Watches.watch("m",
                    new org.modstamp.wire.Watches.Position(1, 1)))), udp()); // another store's position
        }
        while (metric("modstamp_watches") == watches && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5)) {
            Thread.sleep(20);
        }
        assertEquals(watches + 1, metric("modstamp_watches"), "a watch is counted");
        assertEquals(resets + 1, metric("modstamp_watches_reset"), "and its reset");
        long keeps = metric("modstamp_keeps");
        long renewed = metric("modstamp_keeps_renewed");
        try (DatagramChannel keeper = DatagramChannel.open()) {
            keeper.send(ByteBuffer.wrap(MessageEncoder.plainDatagram(org.modstamp.wire.Summaries.keep("s1", 0,
                    new org.modstamp.wire.Summaries.Summary(1, 1, 1)))), udp()); // a set this server does not hold
        }
        while (metric("modstamp_keeps") == keeps && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(10)) {
            Thread.sleep(20);
        }
        assertEquals(keeps + 1, metric("modstamp_keeps"), "a summary keep-alive is counted");
        assertEquals(renewed, metric("modstamp_keeps_renewed"), "and renewed nothing");
        HttpResponse<String> page = http("GET", base.toString(), null);
        assertTrue(page.statusCode() == 200 && page.body().contains("modstamp server"), "the status page is served");
    }

    /**
     * The status page rendered by headless Chromium shows an id pushed over UDP, and opened on the listeners of
     * that id the address of the one listening; its screenshot is kept. Reached from a host that is not an
     * operator's, it says that listener addresses are for operators only.
     */
    @Test
    void theStatusPageShowsAnIdPushedOverUdpAndItsListeners() throws Exception {
        String value = "shown-on-the-page-" + System.currentTimeMillis(); // a change, even on a database kept from a run before
        client.push(Map.of("page.check", value));
        try (ModstampClient listener = ModstampClient.open(udp(), ClientConfig.defaults())) {
            assertTrue(listener.listen(Map.of("page.check", value), (id, v) -> { }).awaitReady(Duration.ofSeconds(10)),
                    "the listener is registered");
            statusPageShows(value, listener.localAddress().getPort());
        }
    }

    private void statusPageShows(String value, int listenerPort) throws Exception {
        String changes = http("GET", "http://127.0.0.1:" + base.getPort() + base.getPath() + "api/changes", null).body();
        assertTrue(changes.contains("{\"id\":\"page.check\",\"value\":\"" + value + "\"")
                && changes.contains("\"source\":\"127.0.0.1:"), "the server keeps the change and its source: " + changes);
        String url = "http://127.0.0.1:" + base.getPort() + base.getPath();
        String dom = chromium("--dump-dom", url);
        assertTrue(dom.contains("<td>page.check</td>") && dom.contains("<td>" + value + "</td>"),
                "the rendered page lists the id and its value: " + dom);
        assertTrue(dom.matches("(?s).*data-series=\"queries\" data-points=\"[1-9][0-9]*\".*"),
                "a chart of the queries with data points: " + dom);
        assertTrue(dom.contains("<dt>store</dt>") && dom.contains("<dt>storeReachable</dt><dd>true</dd>"),
                "the store and its state: " + dom);
        assertTrue(dom.matches("(?s).*<li>[^<]*page\\.check = " + value + "  from 127\\.0\\.0\\.1:[0-9]+</li>.*"),
                "the change in Recent changes, from the server's own record, with its source: " + dom);
        assertTrue(dom.matches("(?s).*<td>page\\.check</td><td>[^<]*</td><td><a href=\"#listeners=page\\.check&(amp;)?offset=0\""
                + "[^>]*>[1-9][0-9]*</a></td>.*"), "the listener count links to the addresses: " + dom);
        String opened = chromium("--dump-dom", url + "#listeners=page.check&offset=0");
        assertTrue(opened.contains("<section id=\"listeners\">") && opened.contains("<li>127.0.0.1:" + listenerPort + "</li>"),
                "the page opened on the listeners of page.check shows the one the test registered: " + opened);
        assertTrue(opened.matches("(?s).*<p id=\"listeners-range\"[^>]*>1 to [0-9]+ of [0-9]+</p>.*"), opened);
        if (!java.net.InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
            // this machine's name (one of modstamp.http.hosts) reached at its address that is not loopback: the
            // browser of someone who is not an operator
            String name = java.net.InetAddress.getLocalHost().getHostName();
            String refused = chromium("--host-resolver-rules=MAP " + name + " " + base.getHost(), "--dump-dom",
                    "http://" + name + ":" + base.getPort() + base.getPath() + "#listeners=page.check&offset=0");
            assertTrue(refused.contains("not shown (HTTP 403): reading listener addresses over HTTP is allowed from "
                    + "modstamp.admin.hosts") && refused.contains("<div id=\"error\"></div>")
                    && !refused.contains(":" + listenerPort + "<"),
                    "to others than operators the page says why it shows no addresses: " + refused);
        }
        chromium("--screenshot=" + java.nio.file.Path.of("target", "status-page.png").toAbsolutePath(),
                "--window-size=1000,1100", url + "#listeners=page.check&offset=0");
        assertTrue(java.nio.file.Files.size(java.nio.file.Path.of("target", "status-page.png")) > 1000);
    }

    /** Runs headless Chromium (Debian's chromium, installed by run-tests) and returns what it printed. */
    private static String chromium(String... args) throws Exception {
        java.nio.file.Path profile = java.nio.file.Files.createTempDirectory("chromium-profile");
        List<String> command = new java.util.ArrayList<>(List.of("chromium", "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--virtual-time-budget=5000"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        return out;
    }

    private long metric(String name) throws Exception {
        String body = http("GET", root("/metrics"), null).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*\\} ([0-9.E]+)$").matcher(body);
        assertTrue(m.find(), name + " in " + body.lines().filter(l -> l.startsWith("modstamp")).toList());
        return (long) Double.parseDouble(m.group(1));
    }
}
