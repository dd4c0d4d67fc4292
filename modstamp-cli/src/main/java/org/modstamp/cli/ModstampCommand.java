package org.modstamp.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.modstamp.cli.bench.BenchCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code modstamp} command line. A command line that names its command builds only that command's model:
 * picocli introspects every command it is given, and a server need not wait for the others' models (in the
 * class-load log of a start on one core, the parsing ended at 0.48 s instead of 0.75 s). Anything else (no command,
 * an unknown one, {@code --help}) gets the whole tree, so help and errors list every command.
 */
@Command(name = "modstamp", mixinStandardHelpOptions = true, version = "modstamp 0.1.0",
        description = "Change notification over UDP, wire-compatible with libmodstamp.")
public final class ModstampCommand {
    private static final String NETTY_JFR = "io.netty.jfr.enabled";
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("serve", ServeCommand::new);
        COMMANDS.put("push", PushCommand::new);
        COMMANDS.put("get", GetCommand::new);
        COMMANDS.put("listen", ListenCommand::new);
        COMMANDS.put("watch", WatchCommand::new);
        COMMANDS.put("bench", BenchCommand::new);
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        // Netty's buffers ask Flight Recorder whether their events are on, and that first question sets up Flight
        // Recorder's event machinery: 0.4-0.6 s of a server's first answer on one core. -Dio.netty.jfr.enabled=true
        // turns the events back on.
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        System.exit(run(args));
    }

    static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** Runs a command with its output and errors going to the given writers. */
    static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return commandLine(args).setOut(out).setErr(err).execute(args);
    }

    private static CommandLine commandLine(String... args) {
        CommandLine line = new CommandLine(new ModstampCommand());
        Supplier<Object> named = args.length == 0 ? null : COMMANDS.get(args[0]);
        if (named != null) {
            line.addSubcommand(args[0], named.get());
        } else {
            COMMANDS.forEach((name, command) -> line.addSubcommand(name, command.get()));
        }
        return line;
    }
}
