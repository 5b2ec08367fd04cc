package io.ipcgateway.bench.jmh;

import io.ipcgateway.shm.notify.Notifier;
import io.ipcgateway.shm.notify.NotifierKind;
import io.ipcgateway.shm.notify.Notifiers;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What a producer pays for the notifier after each commit.
 * <ul>
 *   <li>{@code publishOnly}: the volatile store of a sequence, no notification (the floor).</li>
 *   <li>{@code publishAndSignalNobodySleeping}: the same store plus {@link Notifier#signal()} while the consumer is
 *       awake: a full fence and one plain read, no syscall; run with {@code -prof gc} to see no allocation.</li>
 *   <li>{@code signalSleepingConsumer}: {@link Notifier#signal()} while a consumer thread is asleep on the
 *       notifier (futex or socket, per {@code kind}): the wake-up syscall or socket write. The setup before each
 *       invocation waits until the consumer is asleep again and is not measured.</li>
 * </ul>
 * The words live in a file mapped from {@code /dev/shm} (or the temporary directory), as in a channel header.
 * Run: {@code java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 * -cp ipc-bench/target/classes:ipc-bench/target/lib/* org.openjdk.jmh.Main NotifierBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NotifierBenchmark
{
    private static final int HEADER_LENGTH = 4096;
    private static final int AREA_OFFSET = 128;
    private static final int SEQUENCE_OFFSET = 1024;
    private static final long CONSUMER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * A channel header mapped from {@code /dev/shm} (or the temporary directory) with a notifier area.
     */
    abstract static class MappedHeader
    {
        Path dir;
        MappedByteBuffer mapped;
        UnsafeBuffer header;
        Notifier producer;
        Notifier consumer;

        void map(final NotifierKind kind) throws IOException
        {
            final Path shm = Path.of("/dev/shm");
            dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "notifier-bench") :
                Files.createTempDirectory("notifier-bench");
            final File file = dir.resolve("header").toFile();
            mapped = IoUtil.mapNewFile(file, HEADER_LENGTH);
            header = new UnsafeBuffer(mapped);
            consumer = Notifiers.open(header, AREA_OFFSET, file.toPath(), true, kind);
            producer = Notifiers.open(header, AREA_OFFSET, file.toPath(), false, kind);
        }

        void unmap()
        {
            producer.close();
            consumer.close();
            IoUtil.unmap(mapped);
            IoUtil.delete(dir.toFile(), true);
        }
    }

    /**
     * A channel whose consumer never sleeps: the producer's common case.
     */
    @State(Scope.Benchmark)
    public static class AwakeChannel extends MappedHeader
    {
        /** Primitive of the notifier; FUTEX needs JDK 22+ and the ipc-shm jar's Java 22 layer. */
        @Param({ "FUTEX", "UNIX_SOCKET" })
        public String kind;

        long sequence;

        /**
         * Maps the header.
         *
         * @throws IOException when the file cannot be created.
         */
        @Setup(Level.Trial)
        public void open() throws IOException
        {
            map(NotifierKind.valueOf(kind));
        }

        /**
         * Removes the file.
         */
        @TearDown(Level.Trial)
        public void close()
        {
            unmap();
        }
    }

    /**
     * A channel with a consumer thread that sleeps on the notifier whenever it is woken.
     */
    @State(Scope.Benchmark)
    public static class SleepingChannel extends MappedHeader
    {
        /** Primitive of the notifier; FUTEX needs JDK 22+ and the ipc-shm jar's Java 22 layer. */
        @Param({ "FUTEX", "UNIX_SOCKET" })
        public String kind;

        Thread consumerThread;
        volatile boolean running;
        long sleepsSeen;

        /**
         * Maps the header and starts the sleeping consumer.
         *
         * @throws IOException when the file cannot be created.
         */
        @Setup(Level.Trial)
        public void open() throws IOException
        {
            map(NotifierKind.valueOf(kind));
            running = true;
            consumerThread = new Thread(() -> {
                while (running)
                {
                    consumer.await(() -> false, CONSUMER_TIMEOUT_NS);
                }
            }, "notifier-bench-consumer");
            consumerThread.setDaemon(true);
            consumerThread.start();
        }

        /**
         * Before each call: waits until the consumer is asleep again (not measured).
         */
        @Setup(Level.Invocation)
        public void awaitConsumerAsleep()
        {
            while (consumer.sleeps() == sleepsSeen || header.getIntVolatile(AREA_OFFSET) == 0)
            {
                Thread.onSpinWait();
            }
            sleepsSeen = consumer.sleeps();
            // The sleep counter moves just before the blocking call: let the consumer reach the kernel.
            final long endNs = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(50);
            while (System.nanoTime() - endNs < 0)
            {
                Thread.onSpinWait();
            }
        }

        /**
         * Stops the consumer and removes the file.
         *
         * @throws InterruptedException when interrupted while joining the consumer.
         */
        @TearDown(Level.Trial)
        public void close() throws InterruptedException
        {
            running = false;
            producer.signal();
            consumerThread.join(TimeUnit.SECONDS.toMillis(5));
            unmap();
        }
    }

    /**
     * The floor: publication without notification.
     *
     * @param channel the mapped header, consumer awake.
     */
    @Benchmark
    public void publishOnly(final AwakeChannel channel)
    {
        channel.header.putLongVolatile(SEQUENCE_OFFSET, ++channel.sequence);
    }

    /**
     * Publication plus signal while nobody sleeps.
     *
     * @param channel the mapped header, consumer awake.
     */
    @Benchmark
    public void publishAndSignalNobodySleeping(final AwakeChannel channel)
    {
        channel.header.putLongVolatile(SEQUENCE_OFFSET, ++channel.sequence);
        channel.producer.signal();
    }

    /**
     * Signal while the consumer thread is asleep: the wake-up path.
     *
     * @param channel the mapped header, with the consumer asleep (see
     *                {@link SleepingChannel#awaitConsumerAsleep()}).
     */
    @Benchmark
    public void signalSleepingConsumer(final SleepingChannel channel)
    {
        channel.producer.signal();
    }
}
