package org.modstamp.ra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import javax.transaction.xa.XAResource;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;

import org.modstamp.client.ClientConfig;
import org.modstamp.security.Keys;
import org.modstamp.security.Permission;
import org.modstamp.security.SecurityProfile;
import org.modstamp.ra.inbound.ModstampActivation;
import org.modstamp.ra.inbound.ModstampActivationSpec;

/**
 * The modstamp resource adapter. It owns the UDP sockets (one client per server, shared by every MDB
 * and every outbound connection to that server) and runs their loops and all deliveries as Work from
 * the application server's WorkManager.
 */
@Connector(displayName = "modstamp resource adapter", vendorName = "modstamp", eisType = "modstamp",
        version = "0.1.0", transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction)
public class ModstampResourceAdapter implements ResourceAdapter {
    private static final Logger LOG = Logger.getLogger(ModstampResourceAdapter.class.getName());

    @ConfigProperty(defaultValue = "", description = "Local address of the adapter's UDP sockets; empty for all")
    private String bindAddress = "";

    @ConfigProperty(defaultValue = "0", description = "Lowest local UDP port to use; 0 lets the system choose")
    private Integer portMin = 0;

    @ConfigProperty(defaultValue = "0", description = "Highest local UDP port to use (with portMin); 0 for any")
    private Integer portMax = 0;

    @ConfigProperty(defaultValue = "1300", description = "Largest datagram sent, header included")
    private Integer maxPacketSize = 1300;

    @ConfigProperty(defaultValue = "5000", description = "Milliseconds to wait for a server's confirmation or answer")
    private Integer requestTimeoutMillis = 5000;

    @ConfigProperty(defaultValue = "adaptive", description = "Keep-alive of the listens: 'adaptive' learns how long the "
            + "NAT keeps the socket's mapping (from a server with the mapping-probe extension) and queries at a safe "
            + "share of it, under 25 s up to 5 min; 'fixed' queries every queryInterval of the activation")
    private String keepAlive = "adaptive";

    @ConfigProperty(defaultValue = "", description = "Talk through the encrypted profile of this id (with aeadKeyFile)")
    private String aeadId = "";

    @ConfigProperty(defaultValue = "", description = "File holding the encrypted profile's key, base64")
    private String aeadKeyFile = "";

    @ConfigProperty(defaultValue = "", description = "Folder where beans with resume=true keep the last value of each "
            + "id they committed; empty: modstamp-ra in the server's data folder (WildFly's jboss.server.data.dir, "
            + "Payara's instance root, Open Liberty's server.output.dir), else ~/.modstamp-ra")
    private String stateDirectory = "";

    private volatile ClientPool clients;
    private volatile WorkManager workManager;
    private volatile Timer timer;
    private final Map<ModstampActivationSpec, ModstampActivation> activations = new ConcurrentHashMap<>();

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        try {
            ClientConfig config = clientConfig();
            workManager = context.getWorkManager();
            timer = context.createTimer();
            clients = new ClientPool(config, workManager,
                    context.isContextSupported(jakarta.resource.spi.work.HintsContext.class), timer);
            LOG.info(() -> "modstamp resource adapter started (" + describe() + ")");
        } catch (IllegalArgumentException | UnknownHostException | jakarta.resource.spi.UnavailableException e) {
            throw new ResourceAdapterInternalException("modstamp resource adapter: cannot start: "
                    + e.getMessage(), e);
        }
    }

    /** The client configuration from this adapter's properties; the message names a bad one. */
    ClientConfig clientConfig() throws UnknownHostException {
        InetAddress address = bindAddress == null || bindAddress.isBlank() ? null : InetAddress.getByName(bindAddress);
        ClientConfig config = ClientConfig.defaults()
                .withMaxPacketSize(maxPacketSize)
                .withRequestTimeout(java.time.Duration.ofMillis(requestTimeoutMillis))
                .withBind(address, portMin, portMax)
                .withAdaptiveKeepAlive(adaptiveKeepAlive());
        boolean hasId = aeadId != null && !aeadId.isBlank();
        boolean hasKey = aeadKeyFile != null && !aeadKeyFile.isBlank();
        if (hasId != hasKey) {
            throw new IllegalArgumentException("aeadId and aeadKeyFile go together");
        }
        return hasId ? config.withProfile(SecurityProfile.aead(aeadId.trim(), Permission.DEFAULT,
                Keys.read(java.nio.file.Path.of(aeadKeyFile.trim())))) : config;
    }

    private boolean adaptiveKeepAlive() {
        String mode = keepAlive == null ? "adaptive" : keepAlive.trim();
        if (!mode.equals("adaptive") && !mode.equals("fixed")) {
            throw new IllegalArgumentException("keepAlive is 'adaptive' or 'fixed', not '" + keepAlive + "'");
        }
        return mode.equals("adaptive");
    }

    /** Stops every activation at once, then waits until none runs bean code any more. */
    @Override
    public void stop() {
        List<ModstampActivation> stopping = List.copyOf(activations.values());
        activations.clear();
        stopping.forEach(ModstampActivation::beginStop);
        stopping.forEach(ModstampActivation::awaitStopped);
        if (clients != null) {
            clients.close();
        }
        if (timer != null) {
            timer.cancel();
        }
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        if (!(spec instanceof ModstampActivationSpec modstampSpec)) {
            throw new ResourceException("modstamp resource adapter: not a ModstampActivationSpec: " + spec);
        }
        modstampSpec.validate();
        ModstampActivation activation;
        try {
            activation = ModstampActivation.start(factory, modstampSpec, clients, workManager, timer,
                    modstampSpec.getResume() ? stateDirectory() : null);
        } catch (IOException | IllegalArgumentException e) {
            throw new ResourceException("modstamp resource adapter: cannot listen to " + modstampSpec.getServer()
                    + ": " + e.getMessage(), e);
        }
        ModstampActivation previous = activations.put(modstampSpec, activation);
        if (previous != null) {
            previous.stop();
        }
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        ModstampActivation activation = activations.remove(spec);
        if (activation != null) {
            activation.stop();
        }
    }

    /** The running activation of {@code spec}, or empty. */
    Optional<ModstampActivation> activation(ActivationSpec spec) {
        return Optional.ofNullable(activations.get(spec));
    }

    /** The folder of the beans' committed values: the stateDirectory property, or the server's data folder. */
    Path stateDirectory() {
        if (stateDirectory != null && !stateDirectory.isBlank()) {
            return Path.of(stateDirectory.trim());
        }
        for (String property : List.of("jboss.server.data.dir", "com.sun.aas.instanceRoot", "server.output.dir")) {
            String folder = System.getProperty(property);
            if (folder != null && !folder.isBlank()) {
                return Path.of(folder, "modstamp-ra");
            }
        }
        return Path.of(System.getProperty("user.home"), ".modstamp-ra");
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    /** The shared clients, for the outbound connections. */
    public ClientPool clients() throws ResourceException {
        ClientPool pool = clients;
        if (pool == null) {
            throw new ResourceException("modstamp resource adapter is not started");
        }
        return pool;
    }

    private String describe() {
        return "bindAddress=" + (bindAddress == null || bindAddress.isBlank() ? "*" : bindAddress)
                + " ports=" + portMin + ".." + portMax + " maxPacketSize=" + maxPacketSize
                + " requestTimeoutMillis=" + requestTimeoutMillis + " keepAlive=" + keepAlive
                + (aeadId == null || aeadId.isBlank() ? " profile=plain" : " profile=aead id " + aeadId);
    }

    public String getKeepAlive() {
        return keepAlive;
    }

    public void setKeepAlive(String keepAlive) {
        this.keepAlive = keepAlive;
    }

    public String getAeadId() {
        return aeadId;
    }

    public void setAeadId(String aeadId) {
        this.aeadId = aeadId;
    }

    public String getAeadKeyFile() {
        return aeadKeyFile;
    }

    public void setAeadKeyFile(String aeadKeyFile) {
        this.aeadKeyFile = aeadKeyFile;
    }

    public String getStateDirectory() {
        return stateDirectory;
    }

    public void setStateDirectory(String stateDirectory) {
        this.stateDirectory = stateDirectory;
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public Integer getPortMin() {
        return portMin;
    }

    public void setPortMin(Integer portMin) {
        this.portMin = portMin;
    }

    public Integer getPortMax() {
        return portMax;
    }

    public void setPortMax(Integer portMax) {
        this.portMax = portMax;
    }

    public Integer getMaxPacketSize() {
        return maxPacketSize;
    }

    public void setMaxPacketSize(Integer maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    public Integer getRequestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    public void setRequestTimeoutMillis(Integer requestTimeoutMillis) {
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModstampResourceAdapter other && Objects.equals(bindAddress, other.bindAddress)
                && Objects.equals(portMin, other.portMin) && Objects.equals(portMax, other.portMax)
                && Objects.equals(maxPacketSize, other.maxPacketSize)
                && Objects.equals(requestTimeoutMillis, other.requestTimeoutMillis)
                && Objects.equals(aeadId, other.aeadId) && Objects.equals(aeadKeyFile, other.aeadKeyFile)
                && Objects.equals(stateDirectory, other.stateDirectory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bindAddress, portMin, portMax, maxPacketSize, requestTimeoutMillis, aeadId, aeadKeyFile,
                stateDirectory);
    }
}
