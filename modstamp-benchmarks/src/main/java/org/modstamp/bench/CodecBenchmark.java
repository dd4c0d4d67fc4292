package org.modstamp.bench;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.modstamp.wire.DatagramHeader;
import org.modstamp.wire.DatagramPacker;
import org.modstamp.wire.Message;
import org.modstamp.wire.MessageDecoder;
import org.modstamp.wire.MessageEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The wire codec: decoding requests, encoding and packing replies. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    private final byte[] query = MessageEncoder.plainDatagram(Message.query("orders:customer-4711"));
    private final byte[] tenQueries = MessageEncoder.plainDatagram(java.util.stream.IntStream.range(0, 10)
            .mapToObj(i -> Message.query("orders:customer-" + i)).toArray(Message[]::new));
    private final Message reply = Message.reply("orders:customer-4711", "1732611111.123456".getBytes());

    @Benchmark
    public Optional<List<Message>> decodeOneQuery() {
        ByteBuffer b = ByteBuffer.wrap(query);
        DatagramHeader.read(b);
        return MessageDecoder.decode(b);
    }

    @Benchmark
    public Optional<List<Message>> decodeTenQueries() {
        ByteBuffer b = ByteBuffer.wrap(tenQueries);
        DatagramHeader.read(b);
        return MessageDecoder.decode(b);
    }

    @Benchmark
    public List<byte[]> packOneReply() {
        return new DatagramPacker(DatagramHeader.PLAIN, 1300).add(reply).drain();
    }
}
