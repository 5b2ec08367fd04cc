package io.ipcgateway.bench.jmh;

import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IpcCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the hot path pays for our counters ({@link IpcCounters}, Agrona counters in shared-memory buffers): the
 * single-writer {@code incrementRelease()} our duty cycles use, the atomic {@code increment()} for counters that
 * several threads share, alone and contended by two threads, against a plain field increment.
 * <p>
 * Run: {@code bin/ipc bench jmh CounterBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class CounterBenchmark
{
    private AtomicCounter messagesSent;
    private long plain;

    /**
     * Allocate the counters as an endpoint does.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        final IpcCounters counters = IpcCounters.create(
            new UnsafeBuffer(new byte[IpcCounters.metaDataLength()]),
            new UnsafeBuffer(new byte[IpcCounters.valuesLength()]), "jmh");
        messagesSent = counters.counter(CounterKind.MESSAGES_SENT);
    }

    /**
     * Baseline: a plain field increment.
     *
     * @return the new value.
     */
    @Benchmark
    public long plainField()
    {
        return ++plain;
    }

    /**
     * Single writer: a release store of value + 1.
     *
     * @return the previous value.
     */
    @Benchmark
    public long incrementRelease()
    {
        return messagesSent.incrementRelease();
    }

    /**
     * Shared counter: an atomic add.
     *
     * @return the previous value.
     */
    @Benchmark
    public long incrementAtomic()
    {
        return messagesSent.increment();
    }

    /**
     * Shared counter contended by two threads.
     *
     * @return the previous value.
     */
    @Benchmark
    @Threads(2)
    public long incrementAtomicTwoThreads()
    {
        return messagesSent.increment();
    }
}
