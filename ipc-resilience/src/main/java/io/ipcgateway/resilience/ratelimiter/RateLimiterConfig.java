package io.ipcgateway.resilience.ratelimiter;

import java.time.Duration;
import java.util.Objects;

import io.ipcgateway.core.ConfigurationException;

/**
 * The settings of a rate limiter, immutable; made by {@link #custom()}, {@link #from(RateLimiterConfig)} or
 * {@link #ofDefaults()}. The defaults are Resilience4j's.
 * <ul>
 *     <li>{@code limitForPeriod}: permits handed out per refresh period, 1 to {@value #MAX_LIMIT_FOR_PERIOD},
 *     default {@value #DEFAULT_LIMIT_FOR_PERIOD};</li>
 *     <li>{@code limitRefreshPeriod}: the length of one period, 1 ns to {@link #MAX_DURATION_NS} ns,
 *     default {@value #DEFAULT_LIMIT_REFRESH_PERIOD_NS} ns;</li>
 *     <li>{@code timeoutDuration}: how long a caller may wait for a permit, 0 to {@link #MAX_DURATION_NS} ns,
 *     default {@value #DEFAULT_TIMEOUT_NS} ns (5 s).</li>
 * </ul>
 * Builder setters validate at once and throw a {@link ConfigurationException} naming the setting, the value and
 * the valid range.
 */
public final class RateLimiterConfig
{
    /** Default permits per period (Resilience4j's). */
    public static final int DEFAULT_LIMIT_FOR_PERIOD = 50;

    /** Default refresh period in nanoseconds (Resilience4j's 500 ns). */
    public static final long DEFAULT_LIMIT_REFRESH_PERIOD_NS = 500;

    /** Default timeout to wait for a permit in nanoseconds (Resilience4j's 5 s). */
    public static final long DEFAULT_TIMEOUT_NS = 5_000_000_000L;

    /**
     * Largest number of permits per period: a quarter of {@code int}'s range, so that permissions reserved ahead
     * (negative counts) and a refill never overflow the 32-bit count the limiter keeps.
     */
    public static final int MAX_LIMIT_FOR_PERIOD = Integer.MAX_VALUE / 4;

    /** Largest duration accepted for any setting: about 146 years in nanoseconds. */
    public static final long MAX_DURATION_NS = Long.MAX_VALUE / 2;

    private static final RateLimiterConfig DEFAULTS = custom().build();

    private final int limitForPeriod;
    private final long limitRefreshPeriodNs;
    private final long timeoutNs;

    private RateLimiterConfig(final Builder builder)
    {
        this.limitForPeriod = builder.limitForPeriod;
        this.limitRefreshPeriodNs = builder.limitRefreshPeriodNs;
        this.timeoutNs = builder.timeoutNs;
    }

    /**
     * The configuration with every default.
     *
     * @return the default configuration.
     */
    public static RateLimiterConfig ofDefaults()
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
     * A builder holding the settings of an existing configuration.
     *
     * @param base the configuration to start from.
     * @return a new builder.
     */
    public static Builder from(final RateLimiterConfig base)
    {
        Objects.requireNonNull(base, "base");
        return new Builder()
            .limitForPeriod(base.limitForPeriod)
            .limitRefreshPeriodNs(base.limitRefreshPeriodNs)
            .timeoutNs(base.timeoutNs);
    }

    /**
     * Permits per refresh period.
     *
     * @return the limit, at least 1.
     */
    public int limitForPeriod()
    {
        return limitForPeriod;
    }

    /**
     * Length of one refresh period.
     *
     * @return nanoseconds, at least 1.
     */
    public long limitRefreshPeriodNs()
    {
        return limitRefreshPeriodNs;
    }

    /**
     * How long a caller may wait for a permit.
     *
     * @return nanoseconds, 0 or more.
     */
    public long timeoutNs()
    {
        return timeoutNs;
    }

    @Override
    public String toString()
    {
        return "RateLimiterConfig{limitForPeriod=" + limitForPeriod + ", limitRefreshPeriodNs=" +
            limitRefreshPeriodNs + ", timeoutNs=" + timeoutNs + '}';
    }

    static int checkLimitForPeriod(final int limitForPeriod)
    {
        if (limitForPeriod < 1 || limitForPeriod > MAX_LIMIT_FOR_PERIOD)
        {
            throw new ConfigurationException("invalid rate limiter setting: limitForPeriod=" + limitForPeriod +
                ", valid range 1.." + MAX_LIMIT_FOR_PERIOD);
        }
        return limitForPeriod;
    }

    static long checkDurationNs(final String setting, final long valueNs, final long minimumNs)
    {
        if (valueNs < minimumNs || valueNs > MAX_DURATION_NS)
        {
            throw new ConfigurationException("invalid rate limiter setting: " + setting + "=" + valueNs +
                "ns, valid range " + minimumNs + ".." + MAX_DURATION_NS + " ns");
        }
        return valueNs;
    }

    static long toNanos(final String setting, final Duration duration)
    {
        if (duration == null)
        {
            throw new ConfigurationException("invalid rate limiter setting: " + setting + "=null, give a duration");
        }
        try
        {
            return duration.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            throw new ConfigurationException("invalid rate limiter setting: " + setting + "=" + duration +
                ", valid range 0.." + MAX_DURATION_NS + " ns", ex);
        }
    }

    /**
     * Builds a {@link RateLimiterConfig}; each setter validates its value at once.
     */
    public static final class Builder
    {
        private int limitForPeriod = DEFAULT_LIMIT_FOR_PERIOD;
        private long limitRefreshPeriodNs = DEFAULT_LIMIT_REFRESH_PERIOD_NS;
        private long timeoutNs = DEFAULT_TIMEOUT_NS;

        private Builder()
        {
        }

        /**
         * Sets the permits per refresh period.
         *
         * @param limitForPeriod 1 to {@link #MAX_LIMIT_FOR_PERIOD}.
         * @return this builder.
         */
        public Builder limitForPeriod(final int limitForPeriod)
        {
            this.limitForPeriod = checkLimitForPeriod(limitForPeriod);
            return this;
        }

        /**
         * Sets the length of one refresh period.
         *
         * @param period at least 1 ns.
         * @return this builder.
         */
        public Builder limitRefreshPeriod(final Duration period)
        {
            return limitRefreshPeriodNs(toNanos("limitRefreshPeriod", period));
        }

        /**
         * Sets the length of one refresh period in nanoseconds.
         *
         * @param periodNs at least 1.
         * @return this builder.
         */
        public Builder limitRefreshPeriodNs(final long periodNs)
        {
            this.limitRefreshPeriodNs = checkDurationNs("limitRefreshPeriod", periodNs, 1);
            return this;
        }

        /**
         * Sets how long a caller may wait for a permit.
         *
         * @param timeout 0 or more.
         * @return this builder.
         */
        public Builder timeoutDuration(final Duration timeout)
        {
            return timeoutNs(toNanos("timeoutDuration", timeout));
        }

        /**
         * Sets how long a caller may wait for a permit, in nanoseconds.
         *
         * @param timeoutNs 0 or more.
         * @return this builder.
         */
        public Builder timeoutNs(final long timeoutNs)
        {
            this.timeoutNs = checkDurationNs("timeoutDuration", timeoutNs, 0);
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return an immutable configuration.
         */
        public RateLimiterConfig build()
        {
            return new RateLimiterConfig(this);
        }
    }
}
