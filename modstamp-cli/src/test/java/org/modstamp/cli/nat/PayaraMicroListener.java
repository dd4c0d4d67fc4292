package org.modstamp.cli.nat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.modstamp.cli.nat.app.NatListenerBean;
import org.modstamp.testing.NamespaceJvm;
import org.modstamp.testing.NatNetwork;

/**
 * A Payara Micro in the client's namespace with the RAR (deployed by a postboot command, as the docs say) and a war
 * of {@link NatListenerBean}, which prints {@value #HEARD}ID, a tab and the value for each change; the adapter's
 * settings are its defaults, its log at FINE (its keep-alive reports). The RAR and Payara Micro are the ones the
 * build copied into target.
 */
final class PayaraMicroListener {
    static final String HEARD = "heard ";
    private static final Path BUILD = Path.of("target");

    private PayaraMicroListener() {
    }

    /** Starts it, listening to {@code server}, and waits until Payara Micro says it is ready. */
    static NamespaceJvm start(NatNetwork net, String name, String server, Duration timeout) throws Exception {
        Path dir = Files.createTempDirectory(BUILD.toAbsolutePath(), "nat-payara-");
        Path war = dir.resolve("nat-listener.war");
        ShrinkWrap.create(WebArchive.class, "nat-listener.war").addClass(NatListenerBean.class)
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        Path postboot = Files.writeString(dir.resolve("postboot.txt"),
                "set-log-levels org.modstamp.ra=FINE\ndeploy " + BUILD.resolve("modstamp-ra.rar").toAbsolutePath() + "\n");
        NamespaceJvm payara = NamespaceJvm.startJar(net, NatNetwork.Host.CLIENT, name, BUILD.resolve("payara-micro.jar"),
                List.of("-Xmx384m", "-Dmodstamp.nat.server=" + server),
                List.of("--nohazelcast", "--disablephonehome", "--rootdir", dir.resolve("root").toString(),
                        "--postbootcommandfile", postboot.toString(), "--deploy", war.toString()));
        try {
            if (payara.next(line -> line.contains(" ready in "), timeout) == null) {
                throw new IllegalStateException(name + ": Payara Micro was not ready within " + timeout
                        + "; its output:\n" + payara.transcript());
            }
            return payara;
        } catch (Exception | Error e) {
            payara.close();
            throw e;
        }
    }
}
