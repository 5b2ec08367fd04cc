package io.ipcgateway.bench.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
 * The physical reference for the audit log: {@link PlainLogWriter} appending 64-byte records to a file on disk,
 * into the page cache (1 and 4 writer threads), with a group commit every 1 ms, and with an fsync per record.
 * Each measurement iteration writes a fresh file, deleted afterwards.
 * <p>
 * Run: {@code bin/ipc bench jmh PlainLogBenchmark -prof gc}, or {@code bin/ipc bench audit} for the side-by-side.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PlainLogBenchmark
{
    /** Payload bytes of every record, as in the figures. */
    public static final int PAYLOAD = 64;

    /** One writer over a fresh file per iteration. */
    public abstract static class Log
    {
        Path dir;
        PlainLogWriter writer;

        abstract PlainLogWriter.Durability durability();

        /**
         * Create the file.
         *
         * @throws IOException when it cannot be created.
         */
        @Setup(Level.Iteration)
        public void open() throws IOException
        {
            dir = BenchDirectories.create("jmh-plain-log");
            writer = PlainLogWriter.open(dir.resolve("plain.log"), durability());
        }

        /**
         * Close and delete the file.
         *
         * @throws IOException when closing fails.
         */
        @TearDown(Level.Iteration)
        public void close() throws IOException
        {
            writer.close();
            BenchDirectories.delete(dir);
        }
    }

    /** Page cache only. */
    @State(Scope.Benchmark)
    public static class PageCacheLog extends Log
    {
        @Override
        PlainLogWriter.Durability durability()
        {
            return PlainLogWriter.Durability.NONE;
        }
    }

    /** A force at most every 1 ms. */
    @State(Scope.Benchmark)
    public static class GroupCommitLog extends Log
    {
        @Override
        PlainLogWriter.Durability durability()
        {
            return PlainLogWriter.Durability.GROUP;
        }
    }

    /** A force after every record. */
    @State(Scope.Benchmark)
    public static class FsyncLog extends Log
    {
        @Override
        PlainLogWriter.Durability durability()
        {
            return PlainLogWriter.Durability.EVERY_RECORD;
        }
    }

    /** Each writer thread's payload. */
    @State(Scope.Thread)
    public static class Payload
    {
        final ByteBuffer bytes = ByteBuffer.allocateDirect(PAYLOAD);
    }

    /**
     * Page-cache append, one writer.
     *
     * @param log     the file.
     * @param payload the record.
     * @return the sequence.
     * @throws IOException when writing fails.
     */
    @Benchmark
    @Threads(1)
    public long pageCache1t(final PageCacheLog log, final Payload payload) throws IOException
    {
        return log.writer.append(payload.bytes);
    }

    /**
     * Page-cache append, four writers.
     *
     * @param log     the file.
     * @param payload the record.
     * @return the sequence.
     * @throws IOException when writing fails.
     */
    @Benchmark
    @Threads(4)
    public long pageCache4t(final PageCacheLog log, final Payload payload) throws IOException
    {
        return log.writer.append(payload.bytes);
    }

    /**
     * Group commit every 1 ms, one writer.
     *
     * @param log     the file.
     * @param payload the record.
     * @return the sequence.
     * @throws IOException when writing fails.
     */
    @Benchmark
    @Threads(1)
    public long groupCommit1t(final GroupCommitLog log, final Payload payload) throws IOException
    {
        return log.writer.append(payload.bytes);
    }

    /**
     * An fsync per record, one writer.
     *
     * @param log     the file.
     * @param payload the record.
     * @return the sequence.
     * @throws IOException when writing fails.
     */
    @Benchmark
    @Threads(1)
    public long fsyncPerRecord1t(final FsyncLog log, final Payload payload) throws IOException
    {
        return log.writer.append(payload.bytes);
    }
}
