package org.modstamp.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.modstamp.client.ModstampClient;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code modstamp push ID=VALUE...}. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Set ids to values and wait until the server confirmed them. Exit code 1 when some id "
                + "was not confirmed, 2 for bad input.")
final class PushCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "ID=VALUE", arity = "1..*",
            description = "An id and its new value; an empty value (ID=) deletes the id")
    List<String> assignments;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, String> changes = new LinkedHashMap<>();
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            if (eq < 0) {
                spec.commandLine().getErr().println("modstamp push: '" + assignment + "' is not ID=VALUE");
                return 2;
            }
            changes.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        try (ModstampClient client = options.open(options.config())) {
            Map<String, String> confirmed = client.push(changes);
            List<String> missing = changes.keySet().stream().filter(id -> !confirmed.containsKey(id)).toList();
            if (!missing.isEmpty()) {
                spec.commandLine().getErr().println("modstamp push: not confirmed by " + client.server() + " within "
                        + options.timeoutMillis + " ms: " + String.join(" ", missing));
                return 1;
            }
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("modstamp push: " + e.getMessage());
            return 2;
        }
    }
}
