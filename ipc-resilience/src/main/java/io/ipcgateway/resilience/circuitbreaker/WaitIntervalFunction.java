package io.ipcgateway.resilience.circuitbreaker;

import io.ipcgateway.core.ConfigurationException;

/**
 * How long a breaker stays OPEN on its n-th opening in a row (attempt 1 is the first opening after CLOSED; a
 * failed HALF_OPEN trial adds one), like Resilience4j's {@code IntervalFunction}.
 */
@FunctionalInterface
public interface WaitIntervalFunction
{
    /**
     * The wait in OPEN for an attempt.
     *
     * @param attempt 1 for the first opening, then 2, 3, ... (capped at 511).
     * @return the wait in milliseconds, at least 1.
     */
    long waitMillis(int attempt);

    /**
     * The same wait for every attempt.
     *
     * @param waitMillis the wait, at least 1 ms.
     * @return the function.
     */
    static WaitIntervalFunction fixed(final long waitMillis)
    {
        check("waitDurationInOpenState", waitMillis);
        return attempt -> waitMillis;
    }

    /**
     * An exponential wait: {@code initial * multiplier^(attempt-1)}, capped.
     *
     * @param initialMillis the first wait, at least 1 ms.
     * @param multiplier    the growth per attempt, at least 1.
     * @param maxMillis     the cap, at least {@code initialMillis}.
     * @return the function.
     */
    static WaitIntervalFunction exponential(final long initialMillis, final double multiplier, final long maxMillis)
    {
        check("initialMillis", initialMillis);
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier))
        {
            throw new ConfigurationException("multiplier=" + multiplier + " is invalid: valid range is 1.0 to a finite"
                + " number");
        }
        if (maxMillis < initialMillis)
        {
            throw new ConfigurationException("maxMillis=" + maxMillis + " is invalid: valid range is initialMillis ("
                + initialMillis + ") or more");
        }
        return attempt ->
        {
            final double wait = initialMillis * Math.pow(multiplier, Math.max(0, attempt - 1));
            return wait >= maxMillis ? maxMillis : Math.max(1, (long)wait);
        };
    }

    private static void check(final String setting, final long millis)
    {
        if (millis < 1 || millis > CircuitBreakerConfig.MAX_WAIT_MILLIS)
        {
            throw new ConfigurationException(setting + "=" + millis + "ms is invalid: valid range is 1 ms to "
                + CircuitBreakerConfig.MAX_WAIT_MILLIS + " ms (one year)");
        }
    }
}
