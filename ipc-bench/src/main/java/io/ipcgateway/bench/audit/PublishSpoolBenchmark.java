package io.ipcgateway.bench.audit;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.examples.gateway.spool.PublishSpool;
import io.ipcgateway.examples.gateway.spool.SpoolConfig;
import org.agrona.concurrent.UnsafeBuffer;
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
 * The gateway's publish spool ({@link PublishSpool#append}): a 64-byte payload, a 20-character subject and no
 * headers, on the same disk as {@link AuditLogBenchmark} (a fresh spool per iteration, 64 MiB segments, unbounded,
 * nothing drained):
 * <ul>
 *     <li>{@code pageCache1t}/{@code pageCache4t}: policy none (survives kill -9, not a power loss);</li>
 *     <li>{@code groupCommit4t}: a force at most every 1 ms, each append returning once its force is done, four
 *     threads sharing the forces (one thread alone would wait up to a millisecond per append), and
 *     {@code groupCommit16t} with sixteen.</li>
 * </ul>
 * Each append is one audit record (SHA-256 chained) after encoding subject and payload into the thread's buffer;
 * {@code -prof gc} shows whether it allocates. Run: {@code bin/ipc bench jmh PublishSpoolBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PublishSpoolBenchmark
{
    private static final String SUBJECT = "orders.created.eu-01";
    private static final int PAYLOAD_LENGTH = 64;

    /** A spool over a fresh folder for every iteration. */
    public abstract static class Spool
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        Path dir;
        PublishSpool spool;

        abstract DurabilityPolicy durability();

        /**
         * Open the spool.
         */
        @Setup(Level.Iteration)
        public void open()
        {
            dir = BenchDirectories.create("jmh-spool");
            spool = PublishSpool.open(SpoolConfig.builder(dir.resolve("spool")).segmentSize(64L * 1024 * 1024)
                .maxBytes(Long.MAX_VALUE).maxMessages(Long.MAX_VALUE).durability(durability()).build());
        }

        /**
         * Close and delete the spool.
         */
        @TearDown(Level.Iteration)
        public void close()
        {
            spool.close();
            BenchDirectories.delete(dir);
        }
    }

    /** Page cache only. */
    @State(Scope.Benchmark)
    public static class PageCacheSpool extends Spool
    {
        @Override
        DurabilityPolicy durability()
        {
            return DurabilityPolicy.none();
        }
    }

    /** Group commit every 1 ms. */
    @State(Scope.Benchmark)
    public static class GroupCommitSpool extends Spool
    {
        @Override
        DurabilityPolicy durability()
        {
            return DurabilityPolicy.everyNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * One appender, page cache.
     *
     * @param state the spool.
     * @return the sequence.
     */
    @Benchmark
    @Threads(1)
    public long pageCache1t(final PageCacheSpool state)
    {
        return state.spool.append(SUBJECT, null, state.payload, 0, PAYLOAD_LENGTH);
    }

    /**
     * Four appenders, page cache.
     *
     * @param state the spool.
     * @return the sequence.
     */
    @Benchmark
    @Threads(4)
    public long pageCache4t(final PageCacheSpool state)
    {
        return state.spool.append(SUBJECT, null, state.payload, 0, PAYLOAD_LENGTH);
    }

    /**
     * Four appenders, group commit every 1 ms.
     *
     * @param state the spool.
     * @return the sequence.
     */
    @Benchmark
    @Threads(4)
    public long groupCommit4t(final GroupCommitSpool state)
    {
        return state.spool.append(SUBJECT, null, state.payload, 0, PAYLOAD_LENGTH);
    }

    /**
     * Sixteen appenders, group commit every 1 ms: more appends share each force, as a gateway's workers would.
     *
     * @param state the spool.
     * @return the sequence.
     */
    @Benchmark
    @Threads(16)
    public long groupCommit16t(final GroupCommitSpool state)
    {
        return state.spool.append(SUBJECT, null, state.payload, 0, PAYLOAD_LENGTH);
    }
}
