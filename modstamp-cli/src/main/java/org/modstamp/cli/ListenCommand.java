package org.modstamp.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.modstamp.client.ChangeHandler;
import org.modstamp.client.ModstampClient;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code modstamp listen ID...}. */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = "Print a line for every change of the ids (the id, a tab, the new value) until stopped.")
final class ListenCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Option(names = "--json", description = "One JSON object per change: {\"id\":...,\"value\":...}")
    boolean json;

    @Option(names = "--once", description = "Exit at the first change (exit code 0)")
    boolean once;

    @Option(names = "--initial", description = "Also print each id's current value when it is first learned")
    boolean initial;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "25",
            description = "Keep-alive: query all ids this often, plus up to 2 s of jitter, with --keep-alive fixed, and "
                    + "until the adaptive one learned the mapping lifetime (default: ${DEFAULT-VALUE})")
    long intervalSeconds;

    @Option(names = "--keep-alive", paramLabel = "MODE", defaultValue = "adaptive",
            description = "'adaptive': learn how long the NAT keeps the mapping (from a server with the mapping-probe "
                    + "extension) and query at a safe share of it, from under 25 s up to 5 min; 'fixed': every "
                    + "--interval, as against a server without the extension (default: ${DEFAULT-VALUE})")
    String keepAlive;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "Ids to listen to")
    List<String> ids;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch done = new CountDownLatch(1);
        Map<String, String> unknown = new LinkedHashMap<>();
        ids.forEach(id -> unknown.put(id, null));
        if (!keepAlive.equals("adaptive") && !keepAlive.equals("fixed")) {
            err.println("modstamp listen: --keep-alive is 'adaptive' or 'fixed', not '" + keepAlive + "'");
            return 2;
        }
        try (ModstampClient client = options.open(options.config()
                .withQueryInterval(Duration.ofSeconds(intervalSeconds), Duration.ofSeconds(2))
                .withAdaptiveKeepAlive(keepAlive.equals("adaptive")))) {
            client.listen(unknown, new ChangeHandler() {
                @Override
                public void onChange(String id, String value) {
                    out.println(ChangeLines.format(id, value, json));
                    out.flush();
                    if (once) {
                        done.countDown();
                    }
                }

                @Override
                public void onNoResponse(Duration silence) {
                    err.println("modstamp listen: no answer from " + client.server() + " for " + silence.toSeconds()
                            + " s (still trying)");
                    err.flush();
                }

                @Override
                public void onResponseResumed() {
                    err.println("modstamp listen: " + client.server() + " answers again");
                    err.flush();
                }

                @Override
                public void onClosed() {
                    done.countDown();
                }
            }, initial);
            done.await();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("modstamp listen: " + e.getMessage());
            return 2;
        }
    }
}
