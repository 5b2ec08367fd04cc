package io.ipcgateway.resilience.bulkhead;

import java.time.Duration;

import io.ipcgateway.core.ConfigurationException;

/**
 * The settings of a semaphore bulkhead, immutable; made by {@link #custom()} or {@link #ofDefaults()}. The defaults
 * are Resilience4j's.
 * <ul>
 *     <li>{@code maxConcurrentCalls}: calls allowed at once, 0 to {@value #MAX_CONCURRENT_CALLS_LIMIT} (0 refuses
 *     every call), default {@value #DEFAULT_MAX_CONCURRENT_CALLS};</li>
 *     <li>{@code maxWaitDuration}: how long a caller waits for a free slot, 0 (do not wait) or more, default
 *     0;</li>
 *     <li>{@code fairCallHandling}: waiting callers are served in arrival order, default {@code true}.</li>
 * </ul>
 */
public final class BulkheadConfig
{
    /** Default calls allowed at once (Resilience4j's). */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 25;

    /** Default wait for a free slot in nanoseconds (Resilience4j's 0). */
    public static final long DEFAULT_MAX_WAIT_NS = 0;

    /** Default fairness (Resilience4j's). */
    public static final boolean DEFAULT_FAIR_CALL_HANDLING = true;

    /** Largest {@code maxConcurrentCalls} accepted. */
    public static final int MAX_CONCURRENT_CALLS_LIMIT = 1 << 24;

    private static final BulkheadConfig DEFAULTS = custom().build();

    private final int maxConcurrentCalls;
    private final long maxWaitNs;
    private final boolean fairCallHandling;

    private BulkheadConfig(final Builder builder)
    {
        maxConcurrentCalls = builder.maxConcurrentCalls;
        maxWaitNs = builder.maxWaitNs;
        fairCallHandling = builder.fairCallHandling;
    }

    /**
     * The configuration with every default.
     *
     * @return the defaults.
     */
    public static BulkheadConfig ofDefaults()
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
     * Calls allowed at once.
     *
     * @return 0 or more.
     */
    public int maxConcurrentCalls()
    {
        return maxConcurrentCalls;
    }

    /**
     * How long a caller waits for a free slot.
     *
     * @return nanoseconds, 0 or more.
     */
    public long maxWaitNs()
    {
        return maxWaitNs;
    }

    /**
     * Whether waiting callers are served in arrival order.
     *
     * @return the flag.
     */
    public boolean fairCallHandling()
    {
        return fairCallHandling;
    }

    /**
     * Builds a {@link BulkheadConfig}; each setter validates its value at once.
     */
    public static final class Builder
    {
        private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
        private long maxWaitNs = DEFAULT_MAX_WAIT_NS;
        private boolean fairCallHandling = DEFAULT_FAIR_CALL_HANDLING;

        private Builder()
        {
        }

        /**
         * Sets the calls allowed at once.
         *
         * @param maxConcurrentCalls 0 to {@link #MAX_CONCURRENT_CALLS_LIMIT}.
         * @return this builder.
         */
        public Builder maxConcurrentCalls(final int maxConcurrentCalls)
        {
            if (maxConcurrentCalls < 0 || maxConcurrentCalls > MAX_CONCURRENT_CALLS_LIMIT)
            {
                throw new ConfigurationException("invalid bulkhead setting: maxConcurrentCalls=" +
                    maxConcurrentCalls + ", valid range 0.." + MAX_CONCURRENT_CALLS_LIMIT);
            }
            this.maxConcurrentCalls = maxConcurrentCalls;
            return this;
        }

        /**
         * Sets how long a caller waits for a free slot.
         *
         * @param maxWait 0 or more.
         * @return this builder.
         */
        public Builder maxWaitDuration(final Duration maxWait)
        {
            if (maxWait == null || maxWait.isNegative())
            {
                throw new ConfigurationException("invalid bulkhead setting: maxWaitDuration=" + maxWait +
                    ", valid range 0.." + Long.MAX_VALUE + " ns");
            }
            try
            {
                this.maxWaitNs = maxWait.toNanos();
            }
            catch (final ArithmeticException ex)
            {
                throw new ConfigurationException("invalid bulkhead setting: maxWaitDuration=" + maxWait +
                    ", valid range 0.." + Long.MAX_VALUE + " ns", ex);
            }
            return this;
        }

        /**
         * Sets whether waiting callers are served in arrival order.
         *
         * @param fair the flag.
         * @return this builder.
         */
        public Builder fairCallHandling(final boolean fair)
        {
            this.fairCallHandling = fair;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return an immutable configuration.
         */
        public BulkheadConfig build()
        {
            return new BulkheadConfig(this);
        }
    }
}
