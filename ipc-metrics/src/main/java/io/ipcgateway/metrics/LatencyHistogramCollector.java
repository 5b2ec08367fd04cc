package io.ipcgateway.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.prometheus.client.Collector;
import org.HdrHistogram.Histogram;

/**
 * Exports {@link LatencyRecorder}s as Prometheus histograms in seconds, reading them at scrape time only.
 * <p>
 * Each registered recorder is one series of one metric family, identified by its label values. At every
 * scrape the collector drains the recorder's interval into a cumulative HdrHistogram and renders fixed
 * buckets from it, so the exported histogram is cumulative as Prometheus expects. {@code _sum} is derived from
 * the HdrHistogram mean and so carries its precision (3 significant digits by default). Keep label values
 * bounded (service names, not client ids): every series costs {@link #BUCKET_BOUNDS_SECONDS} samples.
 */
public final class LatencyHistogramCollector extends Collector
{
    /** Bucket upper bounds in seconds, from 1 us to 1 s, plus the implicit +Inf. */
    public static final double[] BUCKET_BOUNDS_SECONDS = {
        1e-6, 2.5e-6, 5e-6, 10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6,
        1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1.0};

    private static final double NANOS_PER_SECOND = 1e9;

    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final List<Series> series = new CopyOnWriteArrayList<>();

    /**
     * A histogram family.
     *
     * @param name       the metric name, ending in {@code _seconds}.
     * @param help       what the latency measures.
     * @param labelNames the names of the labels every series carries.
     */
    public LatencyHistogramCollector(final String name, final String help, final String... labelNames)
    {
        if (!name.endsWith("_seconds"))
        {
            throw new IllegalArgumentException("a latency histogram is in seconds: its name must end in _seconds,"
                + " but was " + name);
        }
        this.name = name;
        this.help = help;
        this.labelNames = List.of(labelNames);
    }

    /**
     * Adds a recorder as the series with the given label values.
     *
     * @param recorder    the recorder to export.
     * @param labelValues one value per label name, in order.
     * @return this collector.
     */
    public LatencyHistogramCollector add(final LatencyRecorder recorder, final String... labelValues)
    {
        if (labelValues.length != labelNames.size())
        {
            throw new IllegalArgumentException("metric " + name + " has labels " + labelNames + " but got values "
                + Arrays.toString(labelValues));
        }
        series.add(new Series(recorder, List.of(labelValues)));
        return this;
    }

    /**
     * Removes a recorder's series, e.g. when its client disconnects.
     *
     * @param recorder the recorder added before.
     */
    public void remove(final LatencyRecorder recorder)
    {
        series.removeIf(s -> s.recorder == recorder);
    }

    @Override
    public List<MetricFamilySamples> collect()
    {
        final List<MetricFamilySamples.Sample> samples = new ArrayList<>();
        for (final Series s : series)
        {
            s.render(name, labelNames, samples);
        }
        return List.of(new MetricFamilySamples(name, Type.HISTOGRAM, help, samples));
    }

    /** One recorder and the cumulative histogram that its intervals are drained into. */
    private static final class Series
    {
        private final LatencyRecorder recorder;
        private final List<String> labelValues;
        private final Histogram cumulative;

        Series(final LatencyRecorder recorder, final List<String> labelValues)
        {
            this.recorder = recorder;
            this.labelValues = labelValues;
            this.cumulative = new Histogram(
                recorder.highestTrackableNanos(), LatencyRecorder.DEFAULT_SIGNIFICANT_DIGITS);
        }

        synchronized void render(
            final String name, final List<String> labelNames, final List<MetricFamilySamples.Sample> out)
        {
            recorder.drainInto(cumulative);
            final List<String> bucketLabelNames = new ArrayList<>(labelNames);
            bucketLabelNames.add("le");
            final long total = cumulative.getTotalCount();
            for (final double bound : BUCKET_BOUNDS_SECONDS)
            {
                final long boundNanos = (long)(bound * NANOS_PER_SECOND);
                final long count = total == 0 ? 0 : cumulative.getCountBetweenValues(0, boundNanos);
                out.add(new MetricFamilySamples.Sample(
                    name + "_bucket", bucketLabelNames, withLe(Collector.doubleToGoString(bound)), count));
            }
            out.add(new MetricFamilySamples.Sample(name + "_bucket", bucketLabelNames, withLe("+Inf"), total));
            out.add(new MetricFamilySamples.Sample(name + "_count", labelNames, labelValues, total));
            final double sumSeconds = total == 0 ? 0.0 : cumulative.getMean() * total / NANOS_PER_SECOND;
            out.add(new MetricFamilySamples.Sample(name + "_sum", labelNames, labelValues, sumSeconds));
        }

        private List<String> withLe(final String le)
        {
            final List<String> values = new ArrayList<>(labelValues);
            values.add(le);
            return values;
        }
    }
}
