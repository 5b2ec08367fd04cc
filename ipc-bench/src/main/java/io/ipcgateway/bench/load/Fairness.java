package io.ipcgateway.bench.load;

import java.util.Arrays;

/**
 * How evenly clients were served: the slowest client's completions divided by the median client's.
 * <p>
 * 1.0 means every client did as much as the median; a transport that lets one client monopolise a core while
 * the others sleep scores near 0 however high its total.
 */
public final class Fairness
{
    /** Results below this are flagged in tables. */
    public static final double FLAG_BELOW = 0.5;

    private Fairness()
    {
    }

    /**
     * Compute the fairness of per-client completions.
     *
     * @param perClient completions of each client.
     * @return min / median, 0 when the median is 0, or {@code NaN} for fewer than two clients.
     */
    public static double of(final long[] perClient)
    {
        if (perClient.length < 2)
        {
            return Double.NaN;
        }
        final long[] sorted = perClient.clone();
        Arrays.sort(sorted);
        final int middle = sorted.length / 2;
        final double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
        return median <= 0 ? 0 : sorted[0] / median;
    }
}
