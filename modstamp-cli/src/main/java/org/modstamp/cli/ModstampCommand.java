package org.modstamp.cli;

import org.modstamp.cli.bench.BenchCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code modstamp} command line. */
@Command(name = "modstamp", mixinStandardHelpOptions = true, version = "modstamp 0.1.0",
        description = "Change notification over UDP, wire-compatible with libmodstamp.",
        subcommands = {ServeCommand.class, PushCommand.class, GetCommand.class, ListenCommand.class, WatchCommand.class, BenchCommand.class})
public final class ModstampCommand {
    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new ModstampCommand()).execute(args);
    }

    /** Runs a command with its output and errors going to the given writers. */
    static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return new CommandLine(new ModstampCommand()).setOut(out).setErr(err).execute(args);
    }
}
