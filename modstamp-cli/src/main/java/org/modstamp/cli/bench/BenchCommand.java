package org.modstamp.cli.bench;

import picocli.CommandLine.Command;

/** {@code modstamp bench}: load generators that print figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure a modstamp server over loopback UDP (see BENCHMARKS.md for the recorded runs).",
        subcommands = {QueryReplyBench.class, FanoutBench.class, PushBench.class, LatencyBench.class,
                ListenIdsBench.class, EchoServer.class, StartupBench.class})
public final class BenchCommand {
}
