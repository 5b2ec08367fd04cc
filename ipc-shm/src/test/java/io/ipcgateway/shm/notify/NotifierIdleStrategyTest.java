package io.ipcgateway.shm.notify;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The idle strategy spins first, then sleeps on the notifier, and wakes on a signal.
 */
class NotifierIdleStrategyTest
{
    @TempDir
    Path dir;

    private final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private Notifier consumer;
    private Notifier producer;

    @BeforeEach
    void open()
    {
        consumer = Notifiers.open(header, 0, dir.resolve("ch"), true, NotifierKind.AUTO);
        producer = Notifiers.open(header, 0, dir.resolve("ch"), false, NotifierKind.AUTO);
    }

    @AfterEach
    void close()
    {
        producer.close();
        consumer.close();
    }

    @Test
    void shouldSpinWithoutSleepingWithinSpinPeriod()
    {
        final NotifierIdleStrategy idle =
            new NotifierIdleStrategy(consumer, () -> false, TimeUnit.SECONDS.toNanos(30), 1_000_000L);

        for (int i = 0; i < 1000; i++)
        {
            idle.idle(0);
        }

        assertThat(consumer.sleeps()).isZero();
    }

    @Test
    @Timeout(30)
    void shouldSleepOnNotifierWhenSpinPeriodIsOverAndTimeOutWhenNobodySignals()
    {
        final NotifierIdleStrategy idle =
            new NotifierIdleStrategy(consumer, () -> false, 0L, TimeUnit.MILLISECONDS.toNanos(5));

        idle.idle(0);

        assertThat(consumer.sleeps()).isEqualTo(1);
        assertThat(consumer.timeouts()).isEqualTo(1);
    }

    @Test
    void shouldNotSleepWhenRecheckFindsWorkAfterAnnouncing()
    {
        final NotifierIdleStrategy idle =
            new NotifierIdleStrategy(consumer, () -> true, 0L, TimeUnit.SECONDS.toNanos(30));

        idle.idle(0);

        assertThat(consumer.sleeps()).isZero();
    }

    @Test
    @Timeout(30)
    void shouldWakeIdleConsumerWhenProducerSignals() throws InterruptedException
    {
        final AtomicBoolean work = new AtomicBoolean();
        final NotifierIdleStrategy idle =
            new NotifierIdleStrategy(consumer, work::get, 0L, TimeUnit.SECONDS.toNanos(20));
        final Thread thread = new Thread(() -> idle.idle(0));
        thread.start();
        while (consumer.sleeps() == 0)
        {
            Thread.onSpinWait();
        }

        work.set(true);
        producer.signal();
        thread.join();

        assertThat(consumer.timeouts()).as("woken by the signal, not the 20 s timeout").isZero();
        assertThat(idle.alias()).isEqualTo(NotifierIdleStrategy.ALIAS);
    }

    @Test
    void shouldRejectInvalidBounds()
    {
        assertThatThrownBy(() -> new NotifierIdleStrategy(consumer, () -> false, -1L, 1L))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spin=-1 ns");
        assertThatThrownBy(() -> new NotifierIdleStrategy(consumer, () -> false, 0L, 0L))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSleep=0 ns");
    }
}
