package org.modstamp.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.modstamp.client.ModstampClient;
import org.modstamp.client.ModstampTimeoutException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code modstamp get ID...}. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Print the current value of each id: the id, a tab, the value (empty when none).")
final class GetCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Option(names = "--json", description = "One JSON object per line: {\"id\":...,\"value\":...}")
    boolean json;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "Ids to get")
    List<String> ids;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (ModstampClient client = options.open(options.config())) {
            Map<String, String> values = client.get(ids);
            PrintWriter out = spec.commandLine().getOut();
            values.forEach((id, value) -> out.println(ChangeLines.format(id, value, json)));
            out.flush();
            return 0;
        } catch (IllegalArgumentException | ModstampTimeoutException e) {
            spec.commandLine().getErr().println("modstamp get: " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        }
    }
}
