package io.ipcgateway.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.SingleWriterRecorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of recording one latency into HdrHistogram, as our metrics and this harness do: a plain
 * {@link Histogram} (one thread), a {@link SingleWriterRecorder} (one writer, a reader elsewhere swaps intervals)
 * and a {@link Recorder} (many writers). Values are nanosecond-like latencies from 100 ns to 10 ms, drawn in
 * advance so the benchmark measures recording only.
 * <p>
 * Run: {@code bin/ipc bench jmh HistogramBenchmark -prof gc} (expect no allocation).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class HistogramBenchmark
{
    private static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int VALUES = 4096;

    private final long[] values = new long[VALUES];
    private Histogram histogram;
    private SingleWriterRecorder singleWriter;
    private Recorder recorder;
    private int next;

    /**
     * Draw the values and create the recorders.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < VALUES; i++)
        {
            // Log-uniform between 100 ns and 10 ms, like real latencies spread over decades.
            values[i] = (long)Math.pow(10, 2 + 5 * random.nextDouble());
        }
        histogram = new Histogram(HIGHEST_NS, 3);
        singleWriter = new SingleWriterRecorder(HIGHEST_NS, 3);
        recorder = new Recorder(HIGHEST_NS, 3);
    }

    private long nextValue()
    {
        next = (next + 1) & (VALUES - 1);
        return values[next];
    }

    /**
     * Record into a plain histogram.
     */
    @Benchmark
    public void histogram()
    {
        histogram.recordValue(nextValue());
    }

    /**
     * Record into a single-writer recorder.
     */
    @Benchmark
    public void singleWriterRecorder()
    {
        singleWriter.recordValue(nextValue());
    }

    /**
     * Record into a multi-writer recorder.
     */
    @Benchmark
    public void recorder()
    {
        recorder.recordValue(nextValue());
    }
}
