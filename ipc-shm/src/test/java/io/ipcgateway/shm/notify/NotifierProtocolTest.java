package io.ipcgateway.shm.notify;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The event-count protocol in one JVM with two threads, over whichever primitive AUTO picks here (the socket
 * fallback under surefire, which loads the base classes; the futex layer is covered by the failsafe ITs).
 */
class NotifierProtocolTest
{
    private static final int AREA_OFFSET = 128;
    private static final long LONG_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    private final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private Notifier consumer;
    private Notifier producer;

    @AfterEach
    void closeNotifiers()
    {
        if (producer != null)
        {
            producer.close();
        }
        if (consumer != null)
        {
            consumer.close();
        }
    }

    private void openBoth(final NotifierKind kind)
    {
        final Path channel = dir.resolve("ch");
        consumer = Notifiers.open(header, AREA_OFFSET, channel, true, kind);
        producer = Notifiers.open(header, AREA_OFFSET, channel, false, kind);
    }

    private int waiterWord()
    {
        return header.getIntVolatile(AREA_OFFSET + NotifierDescriptor.WAITER_OFFSET);
    }

    @Test
    void shouldReturnAtOnceAndClearWaiterWordWhenRecheckFindsWork()
    {
        openBoth(NotifierKind.AUTO);

        final boolean signalled = consumer.await(() -> waiterWord() == NotifierDescriptor.SLEEPING, LONG_TIMEOUT_NS);

        assertThat(signalled).isFalse();
        assertThat(waiterWord()).isEqualTo(NotifierDescriptor.AWAKE);
        assertThat(consumer.sleeps()).isZero();
        assertThat(consumer.timeouts()).isZero();
    }

    @Test
    @Timeout(30)
    void shouldReturnFalseAfterTimeoutWhenNobodySignals()
    {
        openBoth(NotifierKind.AUTO);
        final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(50);

        final long startNs = System.nanoTime();
        final boolean signalled = consumer.await(() -> false, timeoutNs);
        final long elapsedNs = System.nanoTime() - startNs;

        assertThat(signalled).isFalse();
        assertThat(elapsedNs).isGreaterThanOrEqualTo(timeoutNs);
        assertThat(waiterWord()).isEqualTo(NotifierDescriptor.AWAKE);
        assertThat(consumer.sleeps()).isEqualTo(1);
        assertThat(consumer.timeouts()).isEqualTo(1);
        assertThat(producer.timeouts()).as("counters live in the shared area").isEqualTo(1);
    }

    @Test
    void shouldNotWakeAnyoneWhenNobodySleeps()
    {
        openBoth(NotifierKind.AUTO);

        for (int i = 0; i < 1000; i++)
        {
            producer.signal();
        }

        assertThat(producer.wakeups()).isZero();
        assertThat(waiterWord()).isEqualTo(NotifierDescriptor.AWAKE);
    }

    @Test
    @Timeout(30)
    void shouldWakeSleepingConsumerWhenProducerSignals() throws InterruptedException
    {
        openBoth(NotifierKind.AUTO);
        final AtomicBoolean result = new AtomicBoolean();
        final Thread sleeper = new Thread(() -> result.set(consumer.await(() -> false, LONG_TIMEOUT_NS)));
        sleeper.start();
        while (consumer.sleeps() == 0)
        {
            Thread.onSpinWait();
        }

        producer.signal();
        sleeper.join();

        assertThat(result.get()).as("woken by the signal, not by the 20 s timeout").isTrue();
        assertThat(producer.wakeups()).isEqualTo(1);
        assertThat(consumer.timeouts()).isZero();
        assertThat(waiterWord()).isEqualTo(NotifierDescriptor.AWAKE);
    }

    @Test
    @Timeout(60)
    void shouldDeliverEveryMessageWithoutLostWakeUpBetweenTwoThreads() throws InterruptedException
    {
        openBoth(NotifierKind.AUTO);
        final int messages = 200_000;
        final OneToOneRingBuffer ring = new OneToOneRingBuffer(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024 + RingBufferDescriptor.TRAILER_LENGTH)));
        final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
        final AtomicLong received = new AtomicLong();
        final AtomicLong lostWakeUps = new AtomicLong();
        final AtomicLong expectedNext = new AtomicLong();
        final AtomicBoolean outOfOrder = new AtomicBoolean();

        final Thread reader = new Thread(() -> {
            while (received.get() < messages)
            {
                final int read = ring.read((type, buffer, index, length) -> {
                    if (buffer.getLong(index) != expectedNext.getAndIncrement())
                    {
                        outOfOrder.set(true);
                    }
                    received.incrementAndGet();
                });
                if (read == 0)
                {
                    final long timeoutsBefore = consumer.timeouts();
                    consumer.await(() -> ring.size() > 0, TimeUnit.SECONDS.toNanos(1));
                    // The producer never pauses for a second: a timeout that finds data is a lost wake-up.
                    if (consumer.timeouts() != timeoutsBefore && ring.size() > 0)
                    {
                        lostWakeUps.incrementAndGet();
                    }
                }
            }
        });
        reader.start();

        for (long i = 0; i < messages; i++)
        {
            message.putLong(0, i);
            while (!ring.write(1, message, 0, 8))
            {
                Thread.onSpinWait();
            }
            producer.signal();
            if ((i & 1023) == 0)
            {
                // Pause now and then so the consumer really falls asleep and the wake path is exercised.
                Thread.sleep(0, 100_000);
            }
        }
        reader.join();

        assertThat(received.get()).isEqualTo(messages);
        assertThat(outOfOrder.get()).isFalse();
        assertThat(lostWakeUps.get()).as("timeouts that found data waiting").isZero();
        assertThat(consumer.sleeps()).as("the consumer slept, so the wake path ran").isPositive();
        assertThat(consumer.wakeups()).isPositive();
    }

    @Test
    @Timeout(60)
    void shouldLoseNoWakeUpWhenProducersCommitWithCompareAndSetAndSkipTheFence() throws InterruptedException
    {
        openBoth(NotifierKind.AUTO);
        // The shape of a many-to-one ring's commit: the record becomes visible through an atomic read-modify-write
        // (here a count of published records), then signalAfterAtomicCommit reads the waiter word without a fence.
        final int messages = 200_000;
        final int publishedIndex = 2048;
        final AtomicLong consumed = new AtomicLong();
        final AtomicLong lostWakeUps = new AtomicLong();

        final Thread reader = new Thread(() -> {
            while (consumed.get() < messages)
            {
                if (header.getLongVolatile(publishedIndex) > consumed.get())
                {
                    consumed.incrementAndGet();
                    continue;
                }
                final long timeoutsBefore = consumer.timeouts();
                consumer.await(() -> header.getLongVolatile(publishedIndex) > consumed.get(),
                    TimeUnit.SECONDS.toNanos(1));
                if (consumer.timeouts() != timeoutsBefore && header.getLongVolatile(publishedIndex) > consumed.get())
                {
                    lostWakeUps.incrementAndGet();
                }
            }
        });
        reader.start();

        for (long i = 0; i < messages; i++)
        {
            header.getAndAddLong(publishedIndex, 1);
            producer.signalAfterAtomicCommit();
            if ((i & 1023) == 0)
            {
                Thread.sleep(0, 100_000);
            }
        }
        reader.join();

        assertThat(consumed.get()).isEqualTo(messages);
        assertThat(lostWakeUps.get()).as("timeouts that found records waiting").isZero();
        assertThat(consumer.sleeps()).as("the consumer slept, so the wake path ran").isPositive();
        assertThat(producer.wakeups()).isPositive();
    }

    @Test
    void shouldUseForcedSocketKindAndDeleteItsSocketFileOnConsumerClose() throws IOException
    {
        openBoth(NotifierKind.UNIX_SOCKET);
        final Path socket = Notifiers.wakeSocketPath(dir.resolve("ch"));

        assertThat(consumer.kind()).isEqualTo(NotifierKind.UNIX_SOCKET);
        assertThat(producer.kind()).isEqualTo(NotifierKind.UNIX_SOCKET);
        assertThat(Files.exists(socket)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
            .as("no channel file here, so owner only").isEqualTo("rw-------");

        producer.close();
        producer = null;
        assertThat(Files.exists(socket)).as("the producer did not create it, so it leaves it").isTrue();
        consumer.close();
        consumer = null;
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void shouldGiveSocketFileTheChannelFilePermissions() throws IOException
    {
        final Path channel = Files.createFile(dir.resolve("ch"));
        Files.setPosixFilePermissions(channel, PosixFilePermissions.fromString("rw-rw----"));

        consumer = Notifiers.open(header, AREA_OFFSET, channel, true, NotifierKind.UNIX_SOCKET);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Notifiers.wakeSocketPath(channel))))
            .isEqualTo("rw-rw----");
    }

    @Test
    void shouldRejectMisplacedArea()
    {
        assertThatThrownBy(() -> Notifiers.open(header, 100, dir.resolve("ch"), true, NotifierKind.AUTO))
            .hasMessageContaining("areaOffset=100");
        assertThatThrownBy(() -> Notifiers.open(header, 4096, dir.resolve("ch"), true, NotifierKind.AUTO))
            .hasMessageContaining("capacity=4096");
    }

    @Test
    void shouldRefuseProducerSideAwait()
    {
        openBoth(NotifierKind.UNIX_SOCKET);

        assertThatThrownBy(() -> producer.await(() -> false, 1_000L)).isInstanceOf(IllegalStateException.class);
    }
}
