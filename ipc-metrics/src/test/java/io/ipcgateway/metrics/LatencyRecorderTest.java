package io.ipcgateway.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LatencyRecorderTest
{
    @Test
    void shouldRecordEveryValueByDefault()
    {
        final LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 1; i <= 1000; i++)
        {
            recorder.recordNanos(i * 1000L);
        }
        final Histogram histogram = new Histogram(3);
        recorder.drainInto(histogram);

        assertThat(histogram.getTotalCount()).isEqualTo(1000);
        assertThat((double)histogram.getValueAtPercentile(50)).isCloseTo(500_000, within(1000.0));
        assertThat(histogram.getMaxValue()).isBetween(999_000L, 1_001_000L);
    }

    @Test
    void shouldRecordAndDrainWithASingleWriter()
    {
        final LatencyRecorder recorder = LatencyRecorder.singleWriter();
        final Histogram histogram = new Histogram(3);
        for (int i = 0; i < 500; i++)
        {
            recorder.recordNanos(2_000);
        }
        recorder.drainInto(histogram);
        recorder.recordNanos(4_000);
        recorder.drainInto(histogram);

        assertThat(histogram.getTotalCount()).isEqualTo(501);
        assertThat(histogram.getMaxValue()).isBetween(3_990L, 4_010L);
    }

    @Test
    void shouldRecordOneValueInNWhenSampling()
    {
        final LatencyRecorder recorder = new LatencyRecorder(10);
        for (int i = 0; i < 1000; i++)
        {
            recorder.recordNanos(5_000);
        }
        final Histogram histogram = new Histogram(3);
        recorder.drainInto(histogram);

        assertThat(histogram.getTotalCount()).isEqualTo(100);
    }

    @Test
    void shouldClampValuesOutsideTheTrackableRange()
    {
        final LatencyRecorder recorder = new LatencyRecorder(1_000_000L, 3, 1);
        recorder.recordNanos(5_000_000_000L);
        recorder.recordNanos(-7);
        final Histogram histogram = new Histogram(3);
        recorder.drainInto(histogram);

        assertThat(histogram.getTotalCount()).isEqualTo(2);
        assertThat(histogram.getMaxValue()).isBetween(999_000L, 1_001_000L);
        assertThat(histogram.getMinValue()).isZero();
    }

    @Test
    void shouldDrainEachValueExactlyOnce()
    {
        final LatencyRecorder recorder = new LatencyRecorder();
        final Histogram histogram = new Histogram(3);
        recorder.recordNanos(100);
        recorder.drainInto(histogram);
        recorder.drainInto(histogram);
        recorder.recordNanos(200);
        recorder.drainInto(histogram);

        assertThat(histogram.getTotalCount()).isEqualTo(2);
    }

    @Test
    void shouldRefuseInvalidSettingsWithTheValue()
    {
        assertThatThrownBy(() -> new LatencyRecorder(0)).hasMessageContaining("sampleEvery").hasMessageContaining("0");
        assertThatThrownBy(() -> new LatencyRecorder(1, 3, 1)).hasMessageContaining("highestTrackableNanos");
    }

    @Test
    @Timeout(60)
    void shouldLoseNothingWhileRecordingAndScrapingConcurrently() throws Exception
    {
        final LatencyRecorder recorder = new LatencyRecorder();
        final Histogram scraped = new Histogram(3);
        final int threads = 4;
        final int perThread = 250_000;
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicBoolean recording = new AtomicBoolean(true);
        final List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Thread writer = new Thread(() ->
            {
                awaitQuietly(start);
                for (int i = 0; i < perThread; i++)
                {
                    recorder.recordNanos(1_000 + (i & 1023));
                }
            });
            writer.start();
            writers.add(writer);
        }
        final Thread scraper = new Thread(() ->
        {
            awaitQuietly(start);
            while (recording.get())
            {
                recorder.drainInto(scraped);
            }
        });
        scraper.start();
        start.countDown();
        for (final Thread writer : writers)
        {
            writer.join();
        }
        recording.set(false);
        scraper.join();
        recorder.drainInto(scraped);

        assertThat(scraped.getTotalCount()).isEqualTo((long)threads * perThread);
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
