package io.ipcgateway.examples;

import org.HdrHistogram.Histogram;

/**
 * The latency percentiles a report shows, read once from a histogram of nanosecond samples.
 *
 * @param count     how many samples were recorded.
 * @param p50Nanos  the median.
 * @param p90Nanos  the 90th percentile.
 * @param p99Nanos  the 99th percentile.
 * @param p999Nanos the 99.9th percentile.
 * @param maxNanos  the largest sample.
 */
public record LatencySummary(long count, long p50Nanos, long p90Nanos, long p99Nanos, long p999Nanos, long maxNanos)
{
    /** The summary of no samples at all. */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

    /**
     * Reads the percentiles of a histogram whose values are nanoseconds.
     *
     * @param histogram the samples.
     * @return the summary, or {@link #EMPTY} when the histogram holds nothing.
     */
    public static LatencySummary of(final Histogram histogram)
    {
        if (histogram.getTotalCount() == 0)
        {
            return EMPTY;
        }
        return new LatencySummary(
            histogram.getTotalCount(),
            histogram.getValueAtPercentile(50.0),
            histogram.getValueAtPercentile(90.0),
            histogram.getValueAtPercentile(99.0),
            histogram.getValueAtPercentile(99.9),
            histogram.getMaxValue());
    }

    /**
     * Converts nanoseconds to microseconds for display.
     *
     * @param nanos a duration in nanoseconds.
     * @return the same duration in microseconds.
     */
    public static double micros(final long nanos)
    {
        return nanos / 1_000.0;
    }
}
