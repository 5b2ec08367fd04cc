package io.ipcgateway.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntervalHistogramProvider;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.SingleWriterRecorder;
import org.HdrHistogram.ValueRecorder;

/**
 * Records latencies in nanoseconds into an HdrHistogram {@link Recorder}: wait-free and allocation-free for the
 * recording threads, with interval snapshots taken by the scrape thread.
 * <p>
 * Where only one thread ever records (a server's duty cycle), {@link #singleWriter()} uses a
 * {@link SingleWriterRecorder} instead, which records without atomic read-modify-writes: about half the cost.
 * <p>
 * On the busiest paths, record one sample in {@code sampleEvery}: the countdown that decides is a plain field,
 * so under concurrent recording the rate is approximate (a lost decrement only shifts which call is sampled),
 * which is the price of keeping an atomic off the hot path. Values above {@link #highestTrackableNanos()} are
 * clamped to it rather than resizing the histogram, because resizing allocates.
 */
public final class LatencyRecorder
{
    /** Default highest trackable latency: 60 seconds. */
    public static final long DEFAULT_HIGHEST_TRACKABLE_NANOS = 60_000_000_000L;
    /** Default precision: 3 significant digits (0.1% error). */
    public static final int DEFAULT_SIGNIFICANT_DIGITS = 3;

    private final ValueRecorder recorder;
    private final IntervalHistogramProvider<Histogram> intervals;
    private final long highestTrackableNanos;
    private final int sampleEvery;
    private int countdown;
    private Histogram recycled;

    /**
     * A recorder that records every value, up to 60 s with 3 significant digits.
     */
    public LatencyRecorder()
    {
        this(1);
    }

    /**
     * A recorder that records one value in {@code sampleEvery}, up to 60 s with 3 significant digits.
     *
     * @param sampleEvery 1 to record every value, N to record one in N.
     */
    public LatencyRecorder(final int sampleEvery)
    {
        this(DEFAULT_HIGHEST_TRACKABLE_NANOS, DEFAULT_SIGNIFICANT_DIGITS, sampleEvery);
    }

    /**
     * A recorder with explicit bounds, for any number of recording threads.
     *
     * @param highestTrackableNanos the largest value kept as is; larger ones are clamped to it.
     * @param significantDigits     HdrHistogram precision, 1 to 5.
     * @param sampleEvery           1 to record every value, N to record one in N.
     */
    public LatencyRecorder(final long highestTrackableNanos, final int significantDigits, final int sampleEvery)
    {
        this(highestTrackableNanos, significantDigits, sampleEvery, false);
    }

    /**
     * A recorder for exactly one recording thread (any number of readers), recording every value, up to 60 s with
     * 3 significant digits. Recording from two threads at once would lose or corrupt counts.
     *
     * @return the recorder.
     */
    public static LatencyRecorder singleWriter()
    {
        return new LatencyRecorder(DEFAULT_HIGHEST_TRACKABLE_NANOS, DEFAULT_SIGNIFICANT_DIGITS, 1, true);
    }

    private LatencyRecorder(
        final long highestTrackableNanos, final int significantDigits, final int sampleEvery, final boolean single)
    {
        if (sampleEvery < 1)
        {
            throw new IllegalArgumentException("sampleEvery must be 1 or more, but was " + sampleEvery);
        }
        if (highestTrackableNanos < 2)
        {
            throw new IllegalArgumentException(
                "highestTrackableNanos must be 2 or more, but was " + highestTrackableNanos);
        }
        if (single)
        {
            final SingleWriterRecorder singleWriter = new SingleWriterRecorder(1, highestTrackableNanos,
                significantDigits);
            this.recorder = singleWriter;
            this.intervals = singleWriter;
        }
        else
        {
            final Recorder multiWriter = new Recorder(1, highestTrackableNanos, significantDigits);
            this.recorder = multiWriter;
            this.intervals = multiWriter;
        }
        this.highestTrackableNanos = highestTrackableNanos;
        this.sampleEvery = sampleEvery;
        this.countdown = sampleEvery;
    }

    /**
     * Records one latency, or skips it when sampling says so. Wait-free and allocation-free.
     *
     * @param nanos the latency in nanoseconds; negative values count as 0.
     */
    public void recordNanos(final long nanos)
    {
        if (sampleEvery > 1)
        {
            if (--countdown > 0)
            {
                return;
            }
            countdown = sampleEvery;
        }
        recorder.recordValue(Math.min(Math.max(nanos, 0L), highestTrackableNanos));
    }

    /**
     * One in how many values is recorded.
     *
     * @return the sampling interval, 1 for every value.
     */
    public int sampleEvery()
    {
        return sampleEvery;
    }

    /**
     * The largest value kept as is.
     *
     * @return the clamp, in nanoseconds.
     */
    public long highestTrackableNanos()
    {
        return highestTrackableNanos;
    }

    /**
     * Moves what was recorded since the last call into {@code into} (added to what it holds). Called by one
     * reader thread at a time (the scrape thread); recording threads are never blocked.
     *
     * @param into the histogram that accumulates the intervals.
     */
    public synchronized void drainInto(final Histogram into)
    {
        recycled = intervals.getIntervalHistogram(recycled);
        into.add(recycled);
    }
}
