package io.ipcgateway.resilience.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.ipcgateway.core.ConfigurationException;

/**
 * Validation and arithmetic of the interval functions.
 */
final class Intervals
{
    private Intervals()
    {
    }

    static long checkNs(final String setting, final Duration duration)
    {
        if (duration == null || duration.isNegative())
        {
            throw new ConfigurationException("invalid retry setting: " + setting + "=" + duration +
                ", valid range 0.." + Long.MAX_VALUE + " ns");
        }
        try
        {
            return duration.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            throw new ConfigurationException("invalid retry setting: " + setting + "=" + duration +
                ", valid range 0.." + Long.MAX_VALUE + " ns", ex);
        }
    }

    static long checkCap(final long initialNs, final Duration max)
    {
        final long maxNs = checkNs("maxInterval", max);
        if (maxNs < initialNs)
        {
            throw new ConfigurationException("invalid retry setting: maxInterval=" + maxNs +
                "ns, valid range " + initialNs + ".." + Long.MAX_VALUE + " ns (at least initialInterval)");
        }
        return maxNs;
    }

    static void checkMultiplier(final double multiplier)
    {
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier))
        {
            throw new ConfigurationException("invalid retry setting: multiplier=" + multiplier +
                ", valid range 1.0 and above (finite)");
        }
    }

    static void checkFactor(final double factor)
    {
        if (!(factor >= 0.0 && factor < 1.0))
        {
            throw new ConfigurationException("invalid retry setting: randomizationFactor=" + factor +
                ", valid range 0.0 (inclusive) to 1.0 (exclusive)");
        }
    }

    static long exponentialNs(final long initialNs, final double multiplier, final long maxNs, final int retry)
    {
        final double value = initialNs * Math.pow(multiplier, Math.max(0, retry - 1));
        return value >= maxNs ? maxNs : (long)value;
    }

    static long randomize(final long intervalNs, final double factor)
    {
        if (factor == 0.0 || intervalNs == 0)
        {
            return intervalNs;
        }
        final double delta = factor * intervalNs;
        final double min = intervalNs - delta;
        final double value = min + ThreadLocalRandom.current().nextDouble() * (2 * delta + 1);
        return value >= Long.MAX_VALUE ? Long.MAX_VALUE : (long)value;
    }
}
