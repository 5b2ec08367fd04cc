package io.ipcgateway.shm.notify;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two JVMs share a mapped file holding an Agrona {@code OneToOneRingBuffer}; the consumer JVM
 * ({@link NotifierConsumerProcess}) sleeps on the notifier whenever the ring is empty and this JVM produces.
 * <p>
 * Stress: bursts of 1-128 messages, each acknowledged before the next, with 0-30 us pauses that straddle the
 * consumer's 10 us spin, so the consumer announces sleep in every phase of a publication. Because the producer
 * waits for every burst, a lost wake-up cannot be hidden by a later signal: it shows up as a consumer timeout
 * that finds data waiting, and the test asserts there are none, for the futex and the socket fallback.
 * <p>
 * Latency: the consumer is asleep before each message; the figures are printed, never asserted.
 */
class CrossProcessNotifierIT
{
    private static final int STRESS_MESSAGES = Integer.getInteger("ipc.test.notifier.stressMessages", 2_000_000);
    private static final int LATENCY_MESSAGES = Integer.getInteger("ipc.test.notifier.latencyMessages", 10_000);
    private static final long STALL_LIMIT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final List<String> FLAGS = List.of("--enable-native-access=ALL-UNNAMED");

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shouldDeliverMillionsOfMessagesWithoutLostWakeUpWithFutex() throws Exception
    {
        assumeTrue(Notifiers.autoKind() == NotifierKind.FUTEX, "futex is not available on this JVM");
        stress(NotifierKind.FUTEX);
    }

    @Test
    @Timeout(180)
    void shouldDeliverMillionsOfMessagesWithoutLostWakeUpWithUnixSocket() throws Exception
    {
        stress(NotifierKind.UNIX_SOCKET);
    }

    @Test
    @Timeout(120)
    void shouldWakeConsumerProcessAsleepBeforeEveryMessageWithFutex() throws Exception
    {
        assumeTrue(Notifiers.autoKind() == NotifierKind.FUTEX, "futex is not available on this JVM");
        latency(NotifierKind.FUTEX);
    }

    @Test
    @Timeout(120)
    void shouldWakeConsumerProcessAsleepBeforeEveryMessageWithUnixSocket() throws Exception
    {
        latency(NotifierKind.UNIX_SOCKET);
    }

    private void stress(final NotifierKind kind) throws Exception
    {
        final Path file = dir.resolve("stress");
        final long startNs = System.nanoTime();
        final Map<String, String> result;
        try (TestChannel channel = TestChannel.create(file);
            ChildJvm consumer = ChildJvm.start(dir, FLAGS, NotifierConsumerProcess.class,
                file.toString(), kind.name(), Integer.toString(STRESS_MESSAGES), "stress"))
        {
            awaitReady(channel, consumer);
            try (Notifier producer = channel.openNotifier(false, kind))
            {
                final UnsafeBuffer message = new UnsafeBuffer(new byte[Long.BYTES]);
                final SplittableRandom random = new SplittableRandom(42);
                long sequence = 0;
                while (sequence < STRESS_MESSAGES)
                {
                    final long burstEnd = Math.min(STRESS_MESSAGES, sequence + 1 + random.nextInt(128));
                    while (sequence < burstEnd)
                    {
                        message.putLong(0, sequence);
                        final long stallStartNs = System.nanoTime();
                        channel.markPublished(stallStartNs);
                        while (!channel.ring.write(1, message, 0, Long.BYTES))
                        {
                            checkProgress(consumer, stallStartNs, sequence, channel);
                            Thread.onSpinWait();
                        }
                        producer.signal();
                        sequence++;
                    }
                    final long waitStartNs = System.nanoTime();
                    while (channel.acked() < sequence)
                    {
                        checkProgress(consumer, waitStartNs, sequence, channel);
                        Thread.onSpinWait();
                    }
                    spin(random.nextInt(30_000));
                }
            }
            result = consumer.awaitResult(60);
        }
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        System.out.printf("notifier stress kind=%s messages=%d seconds=%.1f %s%n",
            kind, STRESS_MESSAGES, seconds, result.get("line"));

        assertThat(result.get("kind")).isEqualTo(kind.name());
        assertThat(Long.parseLong(result.get("received"))).isEqualTo(STRESS_MESSAGES);
        assertThat(Long.parseLong(result.get("sequenceErrors"))).isZero();
        assertThat(Long.parseLong(result.get("lostWakeUps"))).as("timeouts that found old data waiting").isZero();
        assertThat(Long.parseLong(result.get("sleeps")))
            .as("the consumer must really sleep often for the test to prove anything")
            .isGreaterThan(STRESS_MESSAGES / 1000L);
        assertThat(Long.parseLong(result.get("wakeups"))).isPositive();
        assertThat(Files.exists(Notifiers.wakeSocketPath(file))).as("the consumer removed its socket").isFalse();
    }

    private void latency(final NotifierKind kind) throws Exception
    {
        final Path file = dir.resolve("latency");
        final long[] signalCostNs = new long[LATENCY_MESSAGES];
        final Map<String, String> result;
        try (TestChannel channel = TestChannel.create(file);
            ChildJvm consumer = ChildJvm.start(dir, FLAGS, NotifierConsumerProcess.class,
                file.toString(), kind.name(), Integer.toString(LATENCY_MESSAGES), "latency"))
        {
            awaitReady(channel, consumer);
            try (Notifier producer = channel.openNotifier(false, kind))
            {
                final UnsafeBuffer message = new UnsafeBuffer(new byte[Long.BYTES]);
                for (int i = 0; i < LATENCY_MESSAGES; i++)
                {
                    final long waitStartNs = System.nanoTime();
                    while (producer.sleeps() <= i || channel.waiterWord() != NotifierDescriptor.SLEEPING)
                    {
                        checkProgress(consumer, waitStartNs, i, channel);
                        Thread.onSpinWait();
                    }
                    // The sleep counter moves just before the blocking call: give the consumer time to block.
                    spin(TimeUnit.MICROSECONDS.toNanos(100));
                    message.putLong(0, System.nanoTime());
                    channel.ring.write(1, message, 0, Long.BYTES);
                    final long signalStartNs = System.nanoTime();
                    producer.signal();
                    signalCostNs[i] = System.nanoTime() - signalStartNs;
                    while (channel.acked() <= i)
                    {
                        checkProgress(consumer, waitStartNs, i, channel);
                        Thread.onSpinWait();
                    }
                }
            }
            result = consumer.awaitResult(60);
        }
        Arrays.sort(signalCostNs);
        System.out.printf("notifier wake latency kind=%s messages=%d %s producerSignalWithSleeper p50us=%.1f"
            + " p99us=%.1f%n", kind, LATENCY_MESSAGES, result.get("line"),
            NotifierConsumerProcess.percentileUs(signalCostNs, 0.50),
            NotifierConsumerProcess.percentileUs(signalCostNs, 0.99));

        assertThat(result.get("kind")).isEqualTo(kind.name());
        assertThat(Long.parseLong(result.get("received"))).isEqualTo(LATENCY_MESSAGES);
        assertThat(Long.parseLong(result.get("timeouts"))).as("every sleep was ended by a signal").isZero();
        assertThat(Long.parseLong(result.get("signalled"))).isEqualTo(LATENCY_MESSAGES);
    }

    private static void awaitReady(final TestChannel channel, final ChildJvm consumer) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!channel.isReady())
        {
            if (!consumer.isAlive() || System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("consumer JVM did not attach: " + consumer.diagnostics());
            }
            Thread.sleep(1);
        }
    }

    private static void checkProgress(
        final ChildJvm consumer, final long sinceNs, final long sequence, final TestChannel channel)
    {
        if (System.nanoTime() - sinceNs > STALL_LIMIT_NS || !consumer.isAlive())
        {
            throw new AssertionError("consumer stuck or gone: sent=" + sequence + ", acked=" + channel.acked()
                + ", waiterWord=" + channel.waiterWord() + ", " + consumer.diagnostics());
        }
    }

    private static void spin(final long nanos)
    {
        final long endNs = System.nanoTime() + nanos;
        while (System.nanoTime() - endNs < 0)
        {
            Thread.onSpinWait();
        }
    }
}
