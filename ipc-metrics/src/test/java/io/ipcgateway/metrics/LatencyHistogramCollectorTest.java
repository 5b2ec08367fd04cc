package io.ipcgateway.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LatencyHistogramCollectorTest
{
    @Test
    void shouldExportCumulativeBucketsInSeconds()
    {
        final LatencyRecorder recorder = new LatencyRecorder();
        final LatencyHistogramCollector collector = new LatencyHistogramCollector(
            "ipc_request_duration_seconds", "Round trip", "service").add(recorder, "echo");
        for (int i = 0; i < 90; i++)
        {
            recorder.recordNanos(3_000);
        }
        for (int i = 0; i < 10; i++)
        {
            recorder.recordNanos(2_000_000);
        }

        MetricFamilySamples family = collector.collect().get(0);
        assertThat(family.type).isEqualTo(Collector.Type.HISTOGRAM);
        assertThat(bucket(family, le(2.5e-6))).isZero();
        assertThat(bucket(family, le(5e-6))).isEqualTo(90);
        assertThat(bucket(family, le(0.001))).isEqualTo(90);
        assertThat(bucket(family, le(0.0025))).isEqualTo(100);
        assertThat(bucket(family, "+Inf")).isEqualTo(100);
        assertThat(value(family, "ipc_request_duration_seconds_sum")).isCloseTo(0.02027, within(0.0001));

        recorder.recordNanos(3_000);
        family = collector.collect().get(0);
        assertThat(value(family, "ipc_request_duration_seconds_count")).isEqualTo(101);
        assertThat(bucket(family, le(5e-6))).isEqualTo(91);
    }

    @Test
    void shouldKeepBucketsMonotonic()
    {
        final LatencyRecorder recorder = new LatencyRecorder();
        final LatencyHistogramCollector collector = new LatencyHistogramCollector(
            "ipc_handler_duration_seconds", "Handler", "service").add(recorder, "echo");
        for (long v = 1; v < 2_000_000_000L; v *= 3)
        {
            recorder.recordNanos(v);
        }
        final List<Sample> buckets = collector.collect().get(0).samples.stream()
            .filter(s -> s.name.endsWith("_bucket")).toList();
        for (int i = 1; i < buckets.size(); i++)
        {
            assertThat(buckets.get(i).value).isGreaterThanOrEqualTo(buckets.get(i - 1).value);
        }
    }

    @Test
    @Timeout(60)
    void shouldCountEveryRecordWhileScrapersCollectConcurrently() throws Exception
    {
        final LatencyRecorder recorder = new LatencyRecorder();
        final LatencyHistogramCollector collector = new LatencyHistogramCollector(
            "ipc_request_duration_seconds", "Round trip", "service").add(recorder, "echo");
        final int writers = 3;
        final int perWriter = 200_000;
        final CountDownLatch done = new CountDownLatch(writers);
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++)
        {
            threads.add(new Thread(() ->
            {
                for (int i = 0; i < perWriter; i++)
                {
                    recorder.recordNanos(1_000 + i % 5_000);
                }
                done.countDown();
            }));
        }
        final List<Double> counts = new ArrayList<>();
        // Each scraper collects at least once: on a busy machine the writers may all finish before it runs.
        final Runnable scrape = () ->
        {
            do
            {
                final double count = value(collector.collect().get(0), "ipc_request_duration_seconds_count");
                synchronized (counts)
                {
                    counts.add(count);
                }
            }
            while (done.getCount() > 0);
        };
        threads.add(new Thread(scrape));
        threads.add(new Thread(scrape));
        threads.forEach(Thread::start);
        for (final Thread thread : threads)
        {
            thread.join();
        }

        assertThat(value(collector.collect().get(0), "ipc_request_duration_seconds_count"))
            .isEqualTo((double)writers * perWriter);
        assertThat(counts).isNotEmpty().allSatisfy(c -> assertThat(c).isBetween(0.0, (double)writers * perWriter));
    }

    @Test
    void shouldRefuseNamesNotInSecondsAndWrongLabelCounts()
    {
        assertThatThrownBy(() -> new LatencyHistogramCollector("ipc_latency_ms", "x"))
            .hasMessageContaining("_seconds").hasMessageContaining("ipc_latency_ms");
        final LatencyHistogramCollector collector = new LatencyHistogramCollector("a_seconds", "x", "service");
        assertThatThrownBy(() -> collector.add(new LatencyRecorder(), "one", "two"))
            .hasMessageContaining("[service]");
    }

    private static double bucket(final MetricFamilySamples family, final String le)
    {
        return family.samples.stream()
            .filter(s -> s.name.endsWith("_bucket") && s.labelValues.get(s.labelValues.size() - 1).equals(le))
            .findFirst().orElseThrow(() -> new AssertionError("no bucket le=" + le)).value;
    }

    private static String le(final double bound)
    {
        return Collector.doubleToGoString(bound);
    }

    private static double value(final MetricFamilySamples family, final String name)
    {
        return family.samples.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow().value;
    }
}
