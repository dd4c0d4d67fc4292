package org.modstamp.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.modstamp.client.ModstampClient;
import org.modstamp.client.WatchHandler;
import org.modstamp.client.Watching;
import org.modstamp.wire.Watches.Position;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code modstamp watch PREFIX}. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Print a line for every change of an id that starts with PREFIX (the id, a tab, the new value, "
                + "a tab, its revision) until stopped; a reset prints '*reset' and a tab and the position. "
                + "Needs a server of this project (the watch extension).",
                "At the end (Ctrl-C, or --count) the position is printed to stderr: --from it resumes there (a change "
                + "printed since the last keep-alive may be printed again)."})
final class WatchCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Option(names = "--json", description = "One JSON object per line: {\"id\":...,\"value\":...,\"revision\":...}, "
            + "or {\"reset\":POSITION}")
    boolean json;

    @Option(names = "--from", paramLabel = "POSITION",
            description = "Start from this position (EPOCH:REVISION, as printed at the end): what changed since is "
                    + "printed first, or a reset (default: from now on)")
    String from;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N lines (changes and resets; exit code 0)")
    long count;

    @Parameters(paramLabel = "PREFIX", description = "The prefix of the ids to watch (itself an id: [0-9A-Za-z_.:-])")
    String prefix;

    @Spec
    CommandSpec spec;

    private long printed;

    /** EPOCH (16 hex digits) and the revision: how a position is printed and given to --from. */
    static String format(Position p) {
        return p.text();
    }

    static Position parse(String text) {
        try {
            return Position.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--from: " + e.getMessage() + ", as modstamp watch prints at its end");
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch done = new CountDownLatch(1);
        try (ModstampClient client = options.open(options.config())) {
            Position start = from == null ? Position.NOW : parse(from);
            Watching watch = client.watch(prefix, start, new WatchHandler() {
                @Override
                public void onChange(String id, String value, long revision) {
                    print(out, json ? ChangeLines.json("id", id, "value", value, "revision", revision)
                            : ChangeLines.format(id, value, false) + "\t" + revision, done);
                }

                @Override
                public void onReset(Position now) {
                    print(out, json ? ChangeLines.json("reset", format(now)) : "*reset\t" + format(now), done);
                }

                @Override
                public void onClosed() {
                    done.countDown();
                }
            });
            Thread atExit = new Thread(() -> {
                err.println("modstamp watch: at " + format(watch.position()) + " (--from " + format(watch.position())
                        + " resumes here)");
                err.flush();
            });
            Runtime.getRuntime().addShutdownHook(atExit);
            done.await();
            Runtime.getRuntime().removeShutdownHook(atExit);
            atExit.run();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("modstamp watch: " + e.getMessage());
            return 2;
        }
    }

    private void print(PrintWriter out, String line, CountDownLatch done) {
        out.println(line);
        out.flush();
        if (count > 0 && ++printed >= count) {
            done.countDown();
        }
    }
}
