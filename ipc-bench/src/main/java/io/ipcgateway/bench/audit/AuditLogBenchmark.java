package io.ipcgateway.bench.audit;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AsyncAuditAppender;
import io.ipcgateway.audit.AuditLog;
import io.ipcgateway.audit.AuditLogConfig;
import io.ipcgateway.audit.AuditSegmentDescriptor;
import io.ipcgateway.audit.AuditVerifier;
import io.ipcgateway.audit.AuditVerifyReport;
import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The audit log (hash chain on: SHA-256 over every record) on the same disk and with the same 64-byte records as
 * {@link PlainLogBenchmark} and {@link ChronicleQueueBenchmark}, with the default settings (64 MiB segments,
 * preallocated):
 * <ul>
 *     <li>{@code pageCache1t}/{@code pageCache4t}: synchronous {@link AuditLog#append}, policy none;</li>
 *     <li>{@code groupCommit1t}: one thread handing records to an {@link AsyncAuditAppender} whose writer forces at
 *     most every 1 ms (a full queue is waited on with {@code append(..., timeout)}, which spins, yields, then
 *     parks), so the figure is the rate made durable by group commit, as the plain writer's;</li>
 *     <li>{@code fsyncPerRecord1t}: synchronous append, a force per record;</li>
 *     <li>{@code asyncAppend}: the caller-side cost of {@link AsyncAuditAppender#tryAppend} (sample mode, for the
 *     p99; with {@code -prof gc} for B/op), while the writer keeps up: before each call, outside the timed region,
 *     the caller waits until the writer's backlog is under half the queue;</li>
 *     <li>{@code replay}: {@link AuditVerifier} over a 64 MiB log in the page cache, every CRC and the chain checked;
 *     the {@code bytes} counter is record bytes per second.</li>
 * </ul>
 * Run: {@code bin/ipc bench jmh AuditLogBenchmark -prof gc}, or {@code bin/ipc bench audit} for the side-by-side.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AuditLogBenchmark
{
    private static final long FULL_QUEUE_WAIT_NS = TimeUnit.SECONDS.toNanos(1);

    /** One log over a fresh folder (per iteration, or per trial for the async appender's states). */
    public abstract static class Log
    {
        Path dir;
        AuditLog log;

        abstract DurabilityPolicy durability();

        void open()
        {
            dir = BenchDirectories.create("jmh-audit-log");
            log = AuditLog.open(AuditLogConfig.builder(dir.resolve("log"))
                .durability(durability()).build());
            afterOpen();
        }

        void afterOpen()
        {
        }

        void beforeClose()
        {
        }

        void close()
        {
            beforeClose();
            log.close();
            BenchDirectories.delete(dir);
        }
    }

    /** A log opened afresh for every iteration, like {@link PlainLogBenchmark}'s files. */
    public abstract static class IterationLog extends Log
    {
        /**
         * Open the log.
         */
        @Setup(Level.Iteration)
        public void openLog()
        {
            open();
        }

        /**
         * Close and delete the log.
         */
        @TearDown(Level.Iteration)
        public void closeLog()
        {
            close();
        }
    }

    /** Page cache only. */
    @State(Scope.Benchmark)
    public static class PageCacheLog extends IterationLog
    {
        @Override
        DurabilityPolicy durability()
        {
            return DurabilityPolicy.none();
        }
    }

    /** A force per record. */
    @State(Scope.Benchmark)
    public static class FsyncLog extends IterationLog
    {
        @Override
        DurabilityPolicy durability()
        {
            return DurabilityPolicy.everyRecord();
        }
    }

    /**
     * An async appender over a log with the given policy, opened once per trial: starting an appender allocates its
     * slots (4,096 x 4 KiB), which {@code -prof gc} would otherwise count against every iteration's records as if
     * the writer allocated per record.
     */
    public abstract static class AsyncLog extends Log
    {
        AsyncAuditAppender appender;

        /**
         * Open the log and start the appender.
         */
        @Setup(Level.Trial)
        public void openLog()
        {
            open();
        }

        /**
         * Stop the appender, close and delete the log.
         */
        @TearDown(Level.Trial)
        public void closeLog()
        {
            close();
        }

        @Override
        void afterOpen()
        {
            appender = AsyncAuditAppender.start(log);
        }

        /** Drains and stops the appender before the log closes. */
        @Override
        void beforeClose()
        {
            appender.close();
        }
    }

    /** Group commit every 1 ms through the async appender. */
    @State(Scope.Benchmark)
    public static class GroupCommitLog extends AsyncLog
    {
        @Override
        DurabilityPolicy durability()
        {
            return DurabilityPolicy.everyNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Page cache only, through the async appender, paced so the writer keeps up. */
    @State(Scope.Benchmark)
    public static class PacedAsyncLog extends AsyncLog
    {
        @Override
        DurabilityPolicy durability()
        {
            return DurabilityPolicy.none();
        }

        /**
         * Outside the timed region: wait until the writer has drained to under half its queue.
         */
        @Setup(Level.Invocation)
        public void awaitWriter()
        {
            while (appender.backlog() > AsyncAuditAppender.DEFAULT_CAPACITY / 2)
            {
                Thread.onSpinWait();
            }
        }
    }

    /** A log of 64 MiB of 64-byte records, written once, verified per operation. */
    @State(Scope.Benchmark)
    public static class WrittenLog
    {
        static final int RECORDS = 512 * 1024;
        Path dir;

        /**
         * Write the log.
         */
        @Setup(Level.Trial)
        public void write()
        {
            dir = BenchDirectories.create("jmh-audit-replay");
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[PlainLogBenchmark.PAYLOAD]);
            try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir.resolve("log")).build()))
            {
                for (int i = 0; i < RECORDS; i++)
                {
                    payload.putInt(0, i);
                    log.append(1, 0, payload, 0, payload.capacity());
                }
            }
        }

        /**
         * Delete the log.
         */
        @TearDown(Level.Trial)
        public void delete()
        {
            BenchDirectories.delete(dir);
        }
    }

    /** Replay counters: bytes of records checked, and records. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Replayed
    {
        /** Record bytes checked (header, chain hash, payload, padding). */
        public long bytes;
        /** Records checked. */
        public long records;
    }

    /** Each writer thread's payload. */
    @State(Scope.Thread)
    public static class Payload
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[PlainLogBenchmark.PAYLOAD]);
    }

    /**
     * Page-cache append, one writer.
     *
     * @param log     the log.
     * @param payload the record.
     * @return the sequence.
     */
    @Benchmark
    @Threads(1)
    public long pageCache1t(final PageCacheLog log, final Payload payload)
    {
        return log.log.append(1, 0, payload.bytes, 0, PlainLogBenchmark.PAYLOAD);
    }

    /**
     * Page-cache append, four writers.
     *
     * @param log     the log.
     * @param payload the record.
     * @return the sequence.
     */
    @Benchmark
    @Threads(4)
    public long pageCache4t(final PageCacheLog log, final Payload payload)
    {
        return log.log.append(1, 0, payload.bytes, 0, PlainLogBenchmark.PAYLOAD);
    }

    /**
     * Group commit every 1 ms, one thread feeding the async appender; a full queue is waited on with
     * {@link AsyncAuditAppender#append(int, int, org.agrona.DirectBuffer, int, int, long)} (spin, yield, then park),
     * so on a small machine the caller does not take the writer's core by spinning.
     *
     * @param log     the log and its appender.
     * @param payload the record.
     * @return the ticket.
     */
    @Benchmark
    @Threads(1)
    public long groupCommit1t(final GroupCommitLog log, final Payload payload)
    {
        long ticket;
        while ((ticket = log.appender.append(1, 0, payload.bytes, 0, PlainLogBenchmark.PAYLOAD, FULL_QUEUE_WAIT_NS))
            == OfferResult.BACK_PRESSURED)
        {
            Thread.onSpinWait();
        }
        return ticket;
    }

    /**
     * An fsync per record, one writer.
     *
     * @param log     the log.
     * @param payload the record.
     * @return the sequence.
     */
    @Benchmark
    @Threads(1)
    public long fsyncPerRecord1t(final FsyncLog log, final Payload payload)
    {
        return log.log.append(1, 0, payload.bytes, 0, PlainLogBenchmark.PAYLOAD);
    }

    /**
     * Caller-side cost of an async append while the writer keeps up.
     *
     * @param log     the log and its appender.
     * @param payload the record.
     * @return the ticket (negative if refused, which pacing prevents).
     */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long asyncAppend(final PacedAsyncLog log, final Payload payload)
    {
        return log.appender.tryAppend(1, 0, payload.bytes, 0, PlainLogBenchmark.PAYLOAD);
    }

    /**
     * Replay the whole log with every CRC and the chain checked.
     *
     * @param log      the written log.
     * @param replayed counts bytes and records.
     * @return the report.
     */
    @Benchmark
    @Threads(1)
    public AuditVerifyReport replay(final WrittenLog log, final Replayed replayed)
    {
        final AuditVerifyReport report = AuditVerifier.verify(log.dir.resolve("log"), AuditLogConfig.DEFAULT_NAME,
            null);
        if (!report.ok() || report.records() != WrittenLog.RECORDS)
        {
            throw new IllegalStateException("the replayed log is not intact: " + report);
        }
        replayed.records += report.records();
        replayed.bytes += report.records() * AuditSegmentDescriptor.alignedFrameLength(PlainLogBenchmark.PAYLOAD);
        return report;
    }
}
