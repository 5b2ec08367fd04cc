package io.ipcgateway.bench.audit;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Chronicle Queue, the peer the audit log is compared with: 64-byte raw records ({@code writeBytes}) appended to
 * a queue on disk (page cache; Chronicle has no fsync per append), by 1 and 4 writer threads, each with its own
 * appender. A fresh queue per iteration, deleted afterwards.
 * <p>
 * Isolation: Chronicle needs its own JVM flags (opens and exports of JDK internals, listed below from its Java 17
 * support notes), so this class is the only one that touches it, and JMH runs it in a fork of its own with those
 * flags; no other transport or benchmark is loaded in that JVM. Its analytics and banner are switched off.
 * <p>
 * Run: {@code bin/ipc bench jmh ChronicleQueueBenchmark}, or {@code bin/ipc bench audit} for the side-by-side.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
    "-Djvm.resource.tracing=false"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ChronicleQueueBenchmark
{
    /** The queue, fresh per iteration. */
    @State(Scope.Benchmark)
    public static class Queue
    {
        Path dir;
        ChronicleQueue queue;

        /**
         * Create the queue.
         */
        @Setup(Level.Iteration)
        public void open()
        {
            dir = BenchDirectories.create("jmh-chronicle");
            queue = SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
        }

        /**
         * Close and delete the queue.
         */
        @TearDown(Level.Iteration)
        public void close()
        {
            queue.close();
            BenchDirectories.delete(dir);
        }
    }

    /** Each writer thread's appender and payload. */
    @State(Scope.Thread)
    public static class Writer
    {
        ExcerptAppender appender;
        Bytes<?> payload;

        /**
         * Create this thread's appender over the iteration's queue.
         *
         * @param queue the queue.
         */
        @Setup(Level.Iteration)
        public void open(final Queue queue)
        {
            appender = queue.queue.createAppender();
            payload = Bytes.allocateDirect(PlainLogBenchmark.PAYLOAD);
            payload.writeSkip(PlainLogBenchmark.PAYLOAD);
        }

        /**
         * Release the appender and the payload.
         */
        @TearDown(Level.Iteration)
        public void close()
        {
            appender.close();
            payload.releaseLast();
        }
    }

    /**
     * Page-cache append, one writer.
     *
     * @param writer this thread's appender.
     */
    @Benchmark
    @Threads(1)
    public void pageCache1t(final Writer writer)
    {
        writer.appender.writeBytes(writer.payload);
    }

    /**
     * Page-cache append, four writers.
     *
     * @param writer this thread's appender.
     */
    @Benchmark
    @Threads(4)
    public void pageCache4t(final Writer writer)
    {
        writer.appender.writeBytes(writer.payload);
    }
}
