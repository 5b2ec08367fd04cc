package io.ipcgateway.resilience.timelimiter;

import java.time.Duration;

import io.ipcgateway.core.ConfigurationException;

/**
 * The settings of a time limiter, immutable; made by {@link #custom()} or {@link #ofDefaults()}. The defaults are
 * Resilience4j's.
 * <ul>
 *     <li>{@code timeoutDuration}: how long a call may take, 1 ns or more, default
 *     {@value #DEFAULT_TIMEOUT_NS} ns (1 s);</li>
 *     <li>{@code cancelRunningFuture}: cancel the call's future when it times out, default {@code true}.</li>
 * </ul>
 */
public final class TimeLimiterConfig
{
    /** Default timeout in nanoseconds (Resilience4j's 1 s). */
    public static final long DEFAULT_TIMEOUT_NS = 1_000_000_000L;

    /** Default for cancelling a timed-out future (Resilience4j's). */
    public static final boolean DEFAULT_CANCEL_RUNNING_FUTURE = true;

    private static final TimeLimiterConfig DEFAULTS = custom().build();

    private final long timeoutNs;
    private final boolean cancelRunningFuture;

    private TimeLimiterConfig(final Builder builder)
    {
        timeoutNs = builder.timeoutNs;
        cancelRunningFuture = builder.cancelRunningFuture;
    }

    /**
     * The configuration with every default.
     *
     * @return the defaults.
     */
    public static TimeLimiterConfig ofDefaults()
    {
        return DEFAULTS;
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder.
     */
    public static Builder custom()
    {
        return new Builder();
    }

    /**
     * How long a call may take.
     *
     * @return nanoseconds, at least 1.
     */
    public long timeoutNs()
    {
        return timeoutNs;
    }

    /**
     * Whether a timed-out call's future is cancelled.
     *
     * @return the flag.
     */
    public boolean cancelRunningFuture()
    {
        return cancelRunningFuture;
    }

    /**
     * Builds a {@link TimeLimiterConfig}; each setter validates its value at once.
     */
    public static final class Builder
    {
        private long timeoutNs = DEFAULT_TIMEOUT_NS;
        private boolean cancelRunningFuture = DEFAULT_CANCEL_RUNNING_FUTURE;

        private Builder()
        {
        }

        /**
         * Sets how long a call may take.
         *
         * @param timeout 1 ns or more.
         * @return this builder.
         */
        public Builder timeoutDuration(final Duration timeout)
        {
            long nanos = -1;
            if (timeout != null)
            {
                try
                {
                    nanos = timeout.toNanos();
                }
                catch (final ArithmeticException ex)
                {
                    nanos = Long.MAX_VALUE;
                }
            }
            if (nanos < 1)
            {
                throw new ConfigurationException("invalid time limiter setting: timeoutDuration=" + timeout +
                    ", valid range 1.." + Long.MAX_VALUE + " ns");
            }
            this.timeoutNs = nanos;
            return this;
        }

        /**
         * Sets whether a timed-out call's future is cancelled.
         *
         * @param cancel the flag.
         * @return this builder.
         */
        public Builder cancelRunningFuture(final boolean cancel)
        {
            this.cancelRunningFuture = cancel;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return an immutable configuration.
         */
        public TimeLimiterConfig build()
        {
            return new TimeLimiterConfig(this);
        }
    }
}
