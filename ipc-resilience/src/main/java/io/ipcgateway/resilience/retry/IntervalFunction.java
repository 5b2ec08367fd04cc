package io.ipcgateway.resilience.retry;

import java.time.Duration;

/**
 * How long a retry waits before each new attempt: fixed, exponential, randomized, or exponential and randomized,
 * always capped. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface IntervalFunction
{
    /**
     * The wait before a new attempt.
     *
     * @param retryNumber 1 before the first retry (the second attempt), 2 before the second retry, and so on.
     * @return nanoseconds to wait, 0 or more.
     */
    long nanosBeforeRetry(int retryNumber);

    /**
     * The same wait before every retry.
     *
     * @param interval 0 or more.
     * @return the function.
     */
    static IntervalFunction fixed(final Duration interval)
    {
        final long intervalNs = Intervals.checkNs("waitDuration", interval);
        return retryNumber -> intervalNs;
    }

    /**
     * {@code initial * multiplier^(retryNumber - 1)}, capped at {@code max}.
     *
     * @param initial    the first wait, 0 or more.
     * @param multiplier 1.0 or more.
     * @param max        the cap, at least {@code initial}.
     * @return the function.
     */
    static IntervalFunction exponential(final Duration initial, final double multiplier, final Duration max)
    {
        final long initialNs = Intervals.checkNs("initialInterval", initial);
        final long maxNs = Intervals.checkCap(initialNs, max);
        Intervals.checkMultiplier(multiplier);
        return retryNumber -> Intervals.exponentialNs(initialNs, multiplier, maxNs, retryNumber);
    }

    /**
     * A wait drawn uniformly from {@code interval * (1 - factor)} to {@code interval * (1 + factor)}, spreading
     * the retries of many callers so they do not arrive together.
     *
     * @param interval            the middle of the range, 0 or more.
     * @param randomizationFactor 0 (no spread) up to, not including, 1.
     * @return the function.
     */
    static IntervalFunction randomized(final Duration interval, final double randomizationFactor)
    {
        final long intervalNs = Intervals.checkNs("waitDuration", interval);
        Intervals.checkFactor(randomizationFactor);
        return retryNumber -> Intervals.randomize(intervalNs, randomizationFactor);
    }

    /**
     * The exponential wait, randomized by {@code randomizationFactor}, then capped at {@code max}.
     *
     * @param initial             the first wait (before randomization), 0 or more.
     * @param multiplier          1.0 or more.
     * @param randomizationFactor 0 up to, not including, 1.
     * @param max                 the cap, at least {@code initial}.
     * @return the function.
     */
    static IntervalFunction exponentialRandomized(
        final Duration initial, final double multiplier, final double randomizationFactor, final Duration max)
    {
        final long initialNs = Intervals.checkNs("initialInterval", initial);
        final long maxNs = Intervals.checkCap(initialNs, max);
        Intervals.checkMultiplier(multiplier);
        Intervals.checkFactor(randomizationFactor);
        return retryNumber -> Math.min(maxNs, Intervals.randomize(
            Intervals.exponentialNs(initialNs, multiplier, maxNs, retryNumber), randomizationFactor));
    }
}
