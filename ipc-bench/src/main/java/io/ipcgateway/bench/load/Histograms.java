package io.ipcgateway.bench.load;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * Latency histograms in nanoseconds and their text form for passing between JVMs and storing in JSON.
 */
public final class Histograms
{
    /** Largest value tracked; larger ones are clamped, so one stall cannot make recording throw. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    /** Precision of every histogram. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private Histograms()
    {
    }

    /**
     * A new histogram with its full size allocated up front, so recording never allocates.
     *
     * @return the histogram.
     */
    public static Histogram newHistogram()
    {
        return new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Record a latency, clamped to the trackable range.
     *
     * @param histogram to record into.
     * @param valueNs   latency in nanoseconds.
     */
    public static void record(final Histogram histogram, final long valueNs)
    {
        histogram.recordValue(Math.max(0, Math.min(valueNs, HIGHEST_TRACKABLE_NS)));
    }

    /**
     * Encode in HdrHistogram's compressed form, then Base64.
     *
     * @param histogram to encode.
     * @return the text.
     */
    public static String encode(final Histogram histogram)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        final byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Decode what {@link #encode(Histogram)} made.
     *
     * @param text the Base64 text.
     * @return the histogram.
     * @throws IllegalArgumentException when the text is not an encoded histogram.
     */
    public static Histogram decode(final String text)
    {
        try
        {
            return Histogram.decodeFromCompressedByteBuffer(
                ByteBuffer.wrap(Base64.getDecoder().decode(text)), HIGHEST_TRACKABLE_NS);
        }
        catch (final DataFormatException ex)
        {
            throw new IllegalArgumentException("not an encoded histogram: " + ex.getMessage(), ex);
        }
    }
}
