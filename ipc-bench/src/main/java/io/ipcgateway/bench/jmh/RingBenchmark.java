package io.ipcgateway.bench.jmh;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmServer;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sustained offer throughput into a ring drained by a consumer thread: raw Agrona one-to-one and many-to-one rings
 * over mapped files, against our client sending into our server's inbox (same ring capacity, 1 MiB), 32-byte
 * messages. A full ring
 * is retried, so the figure is the rate the producer/consumer pair sustains. {@code TwoProducers} variants offer
 * from two threads (many to one). Also zero-copy claim/commit, raw and ours.
 * <p>
 * Run: {@code bin/ipc bench jmh RingBenchmark -prof gc} (expect no allocation per operation). On 2 cores the
 * consumer thread and one producer already fill the machine; two producers oversubscribe it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RingBenchmark
{
    private static final int MSG_TYPE_ID = 1;
    private static final int SIZE = 32;

    /** A raw Agrona ring over a mapped file, with a consumer thread. */
    public abstract static class RingState
    {
        Path dir;
        MappedByteBuffer mapped;
        RingBuffer buffer;
        AgentRunner consumer;

        void open(final boolean oneToOne) throws IOException
        {
            dir = InProcessChannels.newDirectory("jmh-ring");
            mapped = InProcessChannels.mapRing(dir);
            final UnsafeBuffer ringBuffer = new UnsafeBuffer(mapped);
            buffer = oneToOne ? new OneToOneRingBuffer(ringBuffer) : new ManyToOneRingBuffer(ringBuffer);
            consumer = InProcessChannels.startConsumer(buffer);
        }

        /**
         * Stop the consumer, unmap and delete.
         *
         * @throws IOException when deleting fails.
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            CloseHelper.close(consumer);
            IoUtil.unmap(mapped);
            InProcessChannels.delete(dir);
        }
    }

    /** One producer: Agrona's one-to-one or many-to-one ring. */
    @State(Scope.Benchmark)
    public static class AgronaRing extends RingState
    {
        /** Which Agrona ring. */
        @Param({"oneToOne", "manyToOne"})
        public String ring;

        /**
         * Map the ring and start its consumer.
         *
         * @throws IOException when the folder cannot be created.
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            open("oneToOne".equals(ring));
        }
    }

    /** Several producers: Agrona's many-to-one ring. */
    @State(Scope.Benchmark)
    public static class AgronaManyToOne extends RingState
    {
        /**
         * Map the ring and start its consumer.
         *
         * @throws IOException when the folder cannot be created.
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            open(false);
        }
    }

    /** Our server (on its own spinning thread) and one connected client. */
    @State(Scope.Benchmark)
    public static class Ours
    {
        Path dir;
        ShmServer server;
        ShmClient client;

        /**
         * Start the server and connect.
         *
         * @throws IOException when the folder cannot be created.
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            dir = InProcessChannels.newDirectory("jmh-ipc");
            server = InProcessChannels.launchServer(dir);
            client = InProcessChannels.connect(dir);
        }

        /**
         * Close both and delete the folder.
         *
         * @throws IOException when deleting fails.
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            CloseHelper.closeAll(client, server);
            InProcessChannels.delete(dir);
        }
    }

    /** Per-thread message and claim. */
    @State(Scope.Thread)
    public static class PerThread
    {
        final UnsafeBuffer message = InProcessChannels.message(1024);
        final MessageClaim claim = new MessageClaim();
    }

    /**
     * Raw Agrona: write one message, retrying while the ring is full.
     *
     * @param ring  the ring.
     * @param local this thread's message.
     * @return retries, so the loop is not dead code.
     */
    @Benchmark
    public int agronaOffer(final AgronaRing ring, final PerThread local)
    {
        return offer(ring, local);
    }

    private static int offer(final RingState ring, final PerThread local)
    {
        int retries = 0;
        while (!ring.buffer.write(MSG_TYPE_ID, local.message, 0, SIZE))
        {
            retries++;
            Thread.onSpinWait();
        }
        return retries;
    }

    /**
     * Raw Agrona many-to-one from two producer threads.
     *
     * @param ring  the many-to-one ring.
     * @param local this thread's message.
     * @return retries.
     */
    @Benchmark
    @Threads(2)
    public int agronaOfferTwoProducers(final AgronaManyToOne ring, final PerThread local)
    {
        return offer(ring, local);
    }

    /**
     * Raw Agrona zero copy: claim, write the payload in place, commit.
     *
     * @param ring  the ring.
     * @param local this thread's message.
     * @return the claimed index.
     */
    @Benchmark
    public int agronaClaimCommit(final AgronaRing ring, final PerThread local)
    {
        int index;
        while ((index = ring.buffer.tryClaim(MSG_TYPE_ID, SIZE)) <= 0)
        {
            Thread.onSpinWait();
        }
        ring.buffer.buffer().putLong(index, index);
        ring.buffer.commit(index);
        return index;
    }

    /**
     * Ours: {@link ShmClient#offer} into the server's inbox, retrying while back pressured.
     *
     * @param ours  server and client.
     * @param local this thread's message.
     * @return retries.
     */
    @Benchmark
    public int ipcOffer(final Ours ours, final PerThread local)
    {
        int retries = 0;
        long result;
        while ((result = ours.client.offer(MSG_TYPE_ID, local.message, 0, SIZE)) != OfferResult.OK)
        {
            if (result != OfferResult.BACK_PRESSURED)
            {
                throw new IllegalStateException("offer failed: " + result);
            }
            retries++;
            Thread.onSpinWait();
        }
        return retries;
    }

    /**
     * Ours, many to one: two threads share the one (thread-safe) client.
     *
     * @param ours  server and client.
     * @param local this thread's message.
     * @return retries.
     */
    @Benchmark
    @Threads(2)
    public int ipcOfferTwoProducers(final Ours ours, final PerThread local)
    {
        return ipcOffer(ours, local);
    }

    /**
     * Ours zero copy: {@link ShmClient#tryClaim}, write in place, commit.
     *
     * @param ours  server and client.
     * @param local this thread's claim.
     * @return the claim's offset.
     */
    @Benchmark
    public int ipcClaimCommit(final Ours ours, final PerThread local)
    {
        final MessageClaim claim = local.claim;
        long result;
        while ((result = ours.client.tryClaim(MSG_TYPE_ID, SIZE, claim)) != OfferResult.OK)
        {
            if (result != OfferResult.BACK_PRESSURED)
            {
                throw new IllegalStateException("tryClaim failed: " + result);
            }
            Thread.onSpinWait();
        }
        final int offset = claim.offset();
        claim.buffer().putLong(offset, offset);
        claim.commit();
        return offset;
    }
}
