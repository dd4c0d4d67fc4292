package org.modstamp.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client behind the kernel's own NAT, for a test: three network namespaces made at {@link #create} and removed
 * at {@link #close} (also when the test failed), joined by two veth pairs:
 *
 * <pre>
 *   client 192.168.7.2 ── 192.168.7.1  NAT  203.0.113.1 ── 203.0.113.2 server
 * </pre>
 *
 * The NAT namespace forwards and rewrites the client's source with nft {@code masquerade} ({@link NatMapping}
 * says how it picks the external port), and keeps a UDP mapping for the lifetime asked (conntrack's
 * {@code nf_conntrack_udp_timeout} and {@code _stream}, which are per namespace). The addresses are the same in
 * every instance: each lives in namespaces of its own, named after this JVM's pid and a counter, so that tests
 * and builds running at the same time do not meet. Needs root (CAP_NET_ADMIN), the programs {@code ip},
 * {@code nft} and {@code conntrack} (run-tests installs nftables and conntrack); fails with the reason otherwise.
 */
public final class NatNetwork implements AutoCloseable {
    public static final String CLIENT_ADDRESS = "192.168.7.2";
    public static final String SERVER_ADDRESS = "203.0.113.2";
    /** The address the server sees the client at. */
    public static final String NAT_EXTERNAL_ADDRESS = "203.0.113.1";
    private static final String NAT_INTERNAL_ADDRESS = "192.168.7.1";
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String PREFIX = "ms";
    /** A namespace name of this class: the prefix, the pid of the JVM that made it, a counter, the host. */
    private static final Pattern ABANDONED = Pattern.compile(PREFIX + "(\\d+)x[0-9a-z]+-(client|nat|server)");

    /** How the NAT picks a mapping's external port. */
    public enum NatMapping {
        /**
         * Linux' plain masquerade: the client's own port when it is free, for every destination (endpoint-independent
         * while it is free). A datagram from the server that meets an expired mapping makes a mapping of its own,
         * which holds the port for a lifetime: the client's next datagram then gets another port.
         */
        MASQUERADE("masquerade"),
        /** A new random port for every new mapping: a client whose mapping expired comes back from another port. */
        RANDOM_PORT("masquerade random");

        private final String rule;

        NatMapping(String rule) {
            this.rule = rule;
        }
    }

    /** The three namespaces. */
    public enum Host {
        CLIENT, NAT, SERVER
    }

    private final String tag;
    private final List<String> created = new ArrayList<>();
    private Thread removal;

    private NatNetwork(String tag) {
        this.tag = tag;
    }

    /** The namespaces, links, NAT and forwarding, with a mapping lifetime of {@code lifetimeSeconds}. */
    public static NatNetwork create(NatMapping mapping, int lifetimeSeconds) throws Exception {
        requireNetAdmin();
        removeAbandoned();
        NatNetwork net = new NatNetwork(PREFIX + ProcessHandle.current().pid() + "x"
                + Integer.toString(INSTANCES.incrementAndGet(), 36));
        Thread removal = new Thread(net::close, "removes " + net);
        Runtime.getRuntime().addShutdownHook(removal);
        net.removal = removal;
        try {
            net.build(mapping);
            net.setLifetime(lifetimeSeconds);
            return net;
        } catch (Exception | Error e) {
            net.close();
            throw e;
        }
    }

    /** Removes the namespaces of test JVMs that ended without removing theirs (killed, say). */
    private static void removeAbandoned() throws Exception {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var names = Files.list(dir)) {
            for (String name : names.map(p -> p.getFileName().toString()).toList()) {
                Matcher m = ABANDONED.matcher(name);
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    ip("netns", "delete", name);
                }
            }
        }
    }

    private static void requireNetAdmin() throws Exception {
        String status = Files.readString(Path.of("/proc/self/status"));
        long capabilities = status.lines().filter(l -> l.startsWith("CapEff:")).findFirst()
                .map(l -> Long.parseUnsignedLong(l.substring(7).trim(), 16)).orElse(0L);
        long netAdmin = 1L << 12;
        if ((capabilities & netAdmin) == 0) {
            throw new IllegalStateException("the NAT tests make network namespaces and a kernel NAT, which needs root "
                    + "(CAP_NET_ADMIN): run them as root, as run-tests does in CI, or leave them out with "
                    + "-Dtest='!Nat*' (surefire's exclusion)");
        }
        for (String program : List.of("/usr/sbin/nft", "/usr/sbin/conntrack")) {
            if (!Files.isExecutable(Path.of(program))) {
                throw new IllegalStateException(program + " is missing: run-tests installs the Debian packages "
                        + "nftables and conntrack (as root)");
            }
        }
    }

    /** The name of {@code host}'s namespace. */
    public String namespace(Host host) {
        return tag + "-" + host.name().toLowerCase();
    }

    private void build(NatMapping mapping) throws Exception {
        for (Host host : Host.values()) {
            ip("netns", "add", namespace(host));
            created.add(namespace(host));
            in(host, "ip", "link", "set", "lo", "up");
        }
        link(Host.CLIENT, CLIENT_ADDRESS, NAT_INTERNAL_ADDRESS, "i");
        link(Host.SERVER, SERVER_ADDRESS, NAT_EXTERNAL_ADDRESS, "o");
        in(Host.CLIENT, "ip", "route", "add", "default", "via", NAT_INTERNAL_ADDRESS);
        in(Host.NAT, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        nft("add table ip nat");
        nft("add chain ip nat postrouting { type nat hook postrouting priority srcnat; }");
        nft("add rule ip nat postrouting oifname " + tag + "o " + mapping.rule);
        nft("add table ip filter");
        nft("add chain ip filter forward { type filter hook forward priority filter; }");
    }

    /** A veth pair from {@code host} (address {@code address}/24) to the NAT namespace ({@code natAddress}). */
    private void link(Host host, String address, String natAddress, String side) throws Exception {
        String outer = tag + side;
        String inner = tag + side + "h";
        ip("link", "add", inner, "netns", namespace(host), "type", "veth", "peer", "name", outer, "netns",
                namespace(Host.NAT));
        in(host, "ip", "addr", "add", address + "/24", "dev", inner);
        in(host, "ip", "link", "set", inner, "up");
        in(Host.NAT, "ip", "addr", "add", natAddress + "/24", "dev", outer);
        in(Host.NAT, "ip", "link", "set", outer, "up");
    }

    /** The NAT keeps an idle UDP mapping {@code seconds} (one-way and two-way flows alike). */
    public void setLifetime(int seconds) throws Exception {
        in(Host.NAT, "sysctl", "-q", "-w", "net.netfilter.nf_conntrack_udp_timeout=" + seconds,
                "net.netfilter.nf_conntrack_udp_timeout_stream=" + seconds);
    }

    /**
     * The server's link sends at most {@code kbitPerSecond} and queues what is more (a token bucket, up to 8 MB
     * queued): what a server sends faster than that stays charged to its socket's send buffer, which fills, as
     * behind a slow uplink.
     */
    public void slowServerUplink(int kbitPerSecond) throws Exception {
        in(Host.SERVER, "tc", "qdisc", "add", "dev", tag + "oh", "root", "tbf", "rate", kbitPerSecond + "kbit",
                "burst", "16kb", "limit", "8mb");
    }

    /** The NAT restarts: every mapping it holds is forgotten (datagrams to them are dropped until new ones). */
    public void restart() throws Exception {
        in(Host.NAT, "conntrack", "-F");
    }

    /** The NAT drops {@code percent} % of the datagrams it forwards, each way, at random. */
    public void loseDatagrams(int percent) throws Exception {
        nft("add rule ip filter forward meta l4proto udp numgen random mod 100 < " + percent + " drop");
    }

    /**
     * From now on, counts the datagrams the client sends to the server's port {@code port} (through the NAT): all of
     * them, and those that are plain modstamp datagrams whose first message is a Query or a Keep (a query round, a
     * summary keep-alive round, or their resends).
     */
    public void countClientDatagrams(int port) throws Exception {
        nft("add rule ip filter forward iifname " + tag + "i udp dport " + port + " counter");
        nft("add rule ip filter forward iifname " + tag + "i udp dport " + port + " @th,64,16 0x0051 counter");
        nft("add rule ip filter forward iifname " + tag + "i udp dport " + port + " @th,64,16 0x004b counter");
    }

    /** The datagrams counted since {@link #countClientDatagrams}. */
    public long clientDatagrams() throws Exception {
        return counter("udp dport \\d+ counter packets (\\d+)");
    }

    /** The plain datagrams starting with a Query or a Keep counted since {@link #countClientDatagrams}. */
    public long clientQueryDatagrams() throws Exception {
        return counter("@th,64,16 0x51 counter packets (\\d+)") + counter("@th,64,16 0x4b counter packets (\\d+)");
    }

    private long counter(String pattern) throws Exception {
        Process p = command(Host.NAT, List.of("nft", "list", "chain", "ip", "filter", "forward"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile(pattern).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no such datagram counter in the NAT's rules: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    /** A process builder for {@code command} run in {@code host}'s namespace. */
    public ProcessBuilder command(Host host, List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        all.addAll(command);
        return new ProcessBuilder(all);
    }

    /** The UDP mappings the NAT holds now, as conntrack lists them. */
    public String mappings() throws Exception {
        Process p = command(Host.NAT, List.of("conntrack", "-L", "-p", "udp")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private void nft(String rule) throws Exception {
        in(Host.NAT, "nft", rule);
    }

    private void in(Host host, String... command) throws Exception {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        all.addAll(List.of(command));
        TestProcesses.run(all, null);
    }

    private static void ip(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("ip"));
        all.addAll(List.of(args));
        TestProcesses.run(all, null);
    }

    /**
     * Removes the namespaces (and with them the links, the NAT and its mappings); never throws. Also runs when the
     * JVM exits before it was called.
     */
    @Override
    public synchronized void close() {
        if (removal != null && Thread.currentThread() != removal) {
            try {
                Runtime.getRuntime().removeShutdownHook(removal);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting: the hook is running or about to, and removes what is left
            }
        }
        for (String namespace : created) {
            try {
                ip("netns", "delete", namespace);
            } catch (Exception e) {
                System.getLogger(NatNetwork.class.getName()).log(System.Logger.Level.WARNING,
                        "could not remove the network namespace " + namespace, e);
            }
        }
        created.clear();
    }

    @Override
    public String toString() {
        return "NatNetwork[" + tag + "]";
    }
}
