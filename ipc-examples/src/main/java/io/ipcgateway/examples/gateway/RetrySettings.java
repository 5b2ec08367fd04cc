package io.ipcgateway.examples.gateway;

import java.time.Duration;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.resilience.retry.IntervalFunction;

/**
 * Retries of a downstream's requests ({@code downstreams[].retry}), used only when the downstream is
 * {@code idempotent}: a request that timed out, found no responder or found NATS unavailable is sent again after an
 * exponential back-off, up to {@code maxAttempts} in all, within the local client's timeout.
 *
 * @param maxAttempts    attempts including the first, 1 to 10 (default 3).
 * @param initialBackoff wait before the first retry (default {@value #DEFAULT_INITIAL_BACKOFF}).
 * @param multiplier     growth of the wait per retry, at least 1 (default 2).
 * @param maxBackoff     longest wait (default {@value #DEFAULT_MAX_BACKOFF}).
 */
public record RetrySettings(Integer maxAttempts, String initialBackoff, Double multiplier, String maxBackoff)
{
    /** Default first wait. */
    public static final String DEFAULT_INITIAL_BACKOFF = "50ms";
    /** Default longest wait. */
    public static final String DEFAULT_MAX_BACKOFF = "1s";
    /** Most attempts. */
    public static final int MAX_ATTEMPTS = 10;
    /** All defaults. */
    public static final RetrySettings DEFAULTS = new RetrySettings(null, null, null, null);

    /**
     * Fills in defaults.
     *
     * @param maxAttempts    as the record's.
     * @param initialBackoff as the record's.
     * @param multiplier     as the record's.
     * @param maxBackoff     as the record's.
     */
    public RetrySettings
    {
        maxAttempts = maxAttempts != null ? maxAttempts : 3;
        initialBackoff = initialBackoff != null ? initialBackoff : DEFAULT_INITIAL_BACKOFF;
        multiplier = multiplier != null ? multiplier : 2.0;
        maxBackoff = maxBackoff != null ? maxBackoff : DEFAULT_MAX_BACKOFF;
    }

    /**
     * The back-off between attempts.
     *
     * @param key where these settings are in the file, for messages.
     * @return the interval function.
     * @throws ConfigurationException naming the bad setting.
     */
    public IntervalFunction toIntervals(final String key)
    {
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS)
        {
            throw new ConfigurationException("invalid " + key + ".maxAttempts=" + maxAttempts +
                ": valid values are 1 to " + MAX_ATTEMPTS);
        }
        if (multiplier < 1)
        {
            throw new ConfigurationException("invalid " + key + ".multiplier=" + multiplier +
                ": valid values are 1 or more");
        }
        try
        {
            return IntervalFunction.exponential(
                Duration.ofNanos(Configuration.parseDurationNs(key + ".initialBackoff", initialBackoff)), multiplier,
                Duration.ofNanos(Configuration.parseDurationNs(key + ".maxBackoff", maxBackoff)));
        }
        catch (final ConfigurationException ex)
        {
            throw new ConfigurationException("invalid " + key + ": " + ex.getMessage(), ex);
        }
    }
}
