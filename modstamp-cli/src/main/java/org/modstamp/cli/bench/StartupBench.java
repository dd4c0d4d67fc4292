package org.modstamp.cli.bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.modstamp.wire.Message;
import org.modstamp.wire.MessageEncoder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * How soon a freshly launched server serves at full speed: launches the server command given, sends it a Query
 * every 2 ms from the moment of launch until the first Reply (the first answer's time), then measures the Q/R rate
 * of {@code bench qr} in the first seconds after that answer and, after a pause, the steady rate, and prints the
 * share. The server is stopped at the end. Before the launch, the generator itself is warmed on an echo loop of its
 * own, so that the first seconds measure the server's warm-up, not the generator's.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Launch a server: time its first answer, and its Q/R rate just after against its steady rate.")
final class StartupBench implements Callable<Integer> {
    @Option(names = "--server", defaultValue = "127.0.0.1:14300",
            description = "Where the launched server listens (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--first", defaultValue = "5",
            description = "Seconds measured from the first answer on (default: ${DEFAULT-VALUE})")
    int first;

    @Option(names = "--pause", defaultValue = "10",
            description = "Seconds between the first measurement and the steady one (default: ${DEFAULT-VALUE})")
    int pause;

    @Option(names = "--steady", defaultValue = "10", description = "Seconds of the steady measurement (default: ${DEFAULT-VALUE})")
    int steady;

    @Option(names = "--generator-warmup", defaultValue = "5",
            description = "Seconds of load on an echo loop before the launch, to warm the generator (default: ${DEFAULT-VALUE})")
    int generatorWarmup;

    @Parameters(arity = "1..*", paramLabel = "COMMAND",
            description = "The server's command line (after --), for example: taskset -c 0 ./modstamp serve --memory "
                    + "--listen 127.0.0.1:14300")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress target = org.modstamp.net.HostPort.parse(server, 14300).resolve();
        warmGenerator();
        Process process = null;
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            probe.configureBlocking(false);
            ByteBuffer query = ByteBuffer.wrap(MessageEncoder.plainDatagram(Message.query("bench.startup")));
            ByteBuffer answer = ByteBuffer.allocate(2048);
            long launched = System.nanoTime();
            process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = launched + TimeUnit.SECONDS.toNanos(60);
            boolean answered = false;
            while (!answered && System.nanoTime() < deadline && process.isAlive()) {
                probe.send(query.duplicate(), target);
                Thread.sleep(2);
                answer.clear();
                answered = probe.receive(answer) != null;
            }
            if (!answered) {
                System.out.println("startup: no answer within 60 s" + (process.isAlive() ? "" : " (the server exited "
                        + process.exitValue() + ")"));
                return 1;
            }
            double firstAnswerMillis = (System.nanoTime() - launched) / 1e6;
            double firstRate = qr(0, first);
            double steadyRate = qr(pause, steady);
            System.out.printf("startup: first_answer_ms=%.0f first_%ds_per_s=%.0f steady_per_s=%.0f share=%.2f%n",
                    firstAnswerMillis, first, firstRate, steadyRate, firstRate / steadyRate);
            return 0;
        } finally {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private void warmGenerator() throws Exception {
        if (generatorWarmup <= 0) {
            return;
        }
        try (DatagramChannel echo = DatagramChannel.open()) {
            echo.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread loop = new Thread(() -> {
                try {
                    EchoServer.echo(echo);
                } catch (java.io.IOException closed) {
                    // the warm-up is over
                }
            }, "generator-warmup-echo");
            loop.setDaemon(true);
            loop.start();
            InetSocketAddress bound = (InetSocketAddress) echo.getLocalAddress();
            qr("127.0.0.1:" + bound.getPort(), 0, generatorWarmup);
        }
    }

    private double qr(int warmupSeconds, int seconds) throws Exception {
        return qr(server, warmupSeconds, seconds);
    }

    private static double qr(String server, int warmupSeconds, int seconds) throws Exception {
        QueryReplyBench qr = new QueryReplyBench();
        qr.server = server;
        qr.ports = 1000;
        qr.window = 4;
        qr.ids = 1000;
        qr.warmup = warmupSeconds;
        qr.seconds = seconds;
        qr.call();
        return qr.rate;
    }
}
