package io.ipcgateway.examples;

import java.util.Arrays;

/**
 * How evenly client threads were served: the slowest client's completions against the median client's.
 * <p>
 * A ratio near 1 means every thread got its share of the connection; a small ratio means one thread was
 * starved while others ran. With an even number of clients the median client is the upper middle one, so
 * two clients compare the slowest with the fastest.
 *
 * @param slowest the fewest completions of any client.
 * @param median  the completions of the median client.
 * @param fastest the most completions of any client.
 */
public record Fairness(long slowest, long median, long fastest)
{
    /**
     * Computes the fairness of a run from each client's completions.
     *
     * @param completions completions per client, at least one.
     * @return the fairness.
     * @throws IllegalArgumentException when there are no clients.
     */
    public static Fairness of(final long[] completions)
    {
        if (completions.length == 0)
        {
            throw new IllegalArgumentException("no clients: completions.length=0");
        }
        final long[] sorted = completions.clone();
        Arrays.sort(sorted);
        return new Fairness(sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
    }

    /**
     * The slowest client's completions divided by the median client's.
     *
     * @return a value from 0 to 1; when the median client completed nothing, 0 if another client did (at least
     *     half the clients were starved) and 1 if none did.
     */
    public double ratio()
    {
        if (median == 0)
        {
            return fastest == 0 ? 1.0 : 0.0;
        }
        return (double)slowest / median;
    }
}
