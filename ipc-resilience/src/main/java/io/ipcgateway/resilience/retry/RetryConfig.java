package io.ipcgateway.resilience.retry;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import io.ipcgateway.core.ConfigurationException;

/**
 * The settings of a retry, immutable; made by {@link #custom()}, {@link #from(RetryConfig)} or
 * {@link #ofDefaults()}. The defaults are Resilience4j's.
 * <ul>
 *     <li>{@code maxAttempts}: attempts in all, the first included, 1 to {@value #MAX_ATTEMPTS_LIMIT}, default
 *     {@value #DEFAULT_MAX_ATTEMPTS};</li>
 *     <li>{@code intervalFunction}: the wait before each retry, default a fixed
 *     {@value #DEFAULT_WAIT_DURATION_NS} ns (500 ms); see {@link IntervalFunction} for exponential and randomized
 *     back-off with a cap ({@link Builder#waitDuration(Duration)} is the fixed shortcut);</li>
 *     <li>which exceptions are retried: {@code retryExceptions} (classes; empty means all), {@code ignoreExceptions}
 *     (classes never retried, they win) and {@code retryOnException} (a predicate, default all); an exception is
 *     retried when it passes all three. {@link Error}s are never retried;</li>
 *     <li>{@code retryOnResult}: a predicate on the result that asks for another attempt, default none;</li>
 *     <li>{@code failAfterMaxAttempts}: when the last attempt's result still matches {@code retryOnResult}, throw
 *     {@link MaxRetriesExceededException} instead of returning it, default {@code false}.</li>
 * </ul>
 */
public final class RetryConfig
{
    /** Default attempts in all (Resilience4j's). */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** Default fixed wait between attempts in nanoseconds (Resilience4j's 500 ms). */
    public static final long DEFAULT_WAIT_DURATION_NS = 500_000_000L;

    /** Largest {@code maxAttempts} accepted. */
    public static final int MAX_ATTEMPTS_LIMIT = 1_000_000;

    private static final RetryConfig DEFAULTS = custom().build();

    private final int maxAttempts;
    private final IntervalFunction intervalFunction;
    private final List<Class<? extends Throwable>> retryExceptions;
    private final List<Class<? extends Throwable>> ignoreExceptions;
    private final Predicate<Throwable> retryOnException;
    private final Predicate<Object> retryOnResult;
    private final boolean failAfterMaxAttempts;

    private RetryConfig(final Builder builder)
    {
        maxAttempts = builder.maxAttempts;
        intervalFunction = builder.intervalFunction;
        retryExceptions = builder.retryExceptions;
        ignoreExceptions = builder.ignoreExceptions;
        retryOnException = builder.retryOnException;
        retryOnResult = builder.retryOnResult;
        failAfterMaxAttempts = builder.failAfterMaxAttempts;
    }

    /**
     * The configuration with every default.
     *
     * @return the defaults.
     */
    public static RetryConfig ofDefaults()
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
    public static Builder from(final RetryConfig base)
    {
        final Builder builder = new Builder();
        builder.maxAttempts = base.maxAttempts;
        builder.intervalFunction = base.intervalFunction;
        builder.retryExceptions = base.retryExceptions;
        builder.ignoreExceptions = base.ignoreExceptions;
        builder.retryOnException = base.retryOnException;
        builder.retryOnResult = base.retryOnResult;
        builder.failAfterMaxAttempts = base.failAfterMaxAttempts;
        return builder;
    }

    /**
     * Attempts in all, the first included.
     *
     * @return at least 1.
     */
    public int maxAttempts()
    {
        return maxAttempts;
    }

    /**
     * The wait before each retry.
     *
     * @return the function.
     */
    public IntervalFunction intervalFunction()
    {
        return intervalFunction;
    }

    /**
     * Whether the last attempt's rejected result is thrown as {@link MaxRetriesExceededException}.
     *
     * @return the flag.
     */
    public boolean failAfterMaxAttempts()
    {
        return failAfterMaxAttempts;
    }

    /**
     * Whether an exception asks for another attempt (retryExceptions, ignoreExceptions and retryOnException).
     *
     * @param error the exception an attempt threw.
     * @return {@code true} to retry.
     */
    public boolean shouldRetryOn(final Throwable error)
    {
        if (error instanceof Error)
        {
            return false;
        }
        for (final Class<? extends Throwable> ignored : ignoreExceptions)
        {
            if (ignored.isInstance(error))
            {
                return false;
            }
        }
        if (!retryExceptions.isEmpty())
        {
            boolean listed = false;
            for (final Class<? extends Throwable> retried : retryExceptions)
            {
                if (retried.isInstance(error))
                {
                    listed = true;
                    break;
                }
            }
            if (!listed)
            {
                return false;
            }
        }
        return retryOnException.test(error);
    }

    /**
     * Whether a result asks for another attempt.
     *
     * @param result what an attempt returned.
     * @return {@code true} to retry.
     */
    public boolean shouldRetryOnResult(final Object result)
    {
        return retryOnResult.test(result);
    }

    /**
     * Builds a {@link RetryConfig}; each setter validates its value at once.
     */
    public static final class Builder
    {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private IntervalFunction intervalFunction = IntervalFunction.fixed(Duration.ofNanos(DEFAULT_WAIT_DURATION_NS));
        private List<Class<? extends Throwable>> retryExceptions = List.of();
        private List<Class<? extends Throwable>> ignoreExceptions = List.of();
        private Predicate<Throwable> retryOnException = error -> true;
        private Predicate<Object> retryOnResult = result -> false;
        private boolean failAfterMaxAttempts;

        private Builder()
        {
        }

        /**
         * Sets the attempts in all, the first included.
         *
         * @param maxAttempts 1 to {@link #MAX_ATTEMPTS_LIMIT}.
         * @return this builder.
         */
        public Builder maxAttempts(final int maxAttempts)
        {
            if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT)
            {
                throw new ConfigurationException("invalid retry setting: maxAttempts=" + maxAttempts +
                    ", valid range 1.." + MAX_ATTEMPTS_LIMIT);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Sets a fixed wait before each retry.
         *
         * @param waitDuration 0 or more.
         * @return this builder.
         */
        public Builder waitDuration(final Duration waitDuration)
        {
            this.intervalFunction = IntervalFunction.fixed(waitDuration);
            return this;
        }

        /**
         * Sets the wait before each retry (exponential, randomized, ...).
         *
         * @param intervalFunction the function.
         * @return this builder.
         */
        public Builder intervalFunction(final IntervalFunction intervalFunction)
        {
            this.intervalFunction = requireSetting("intervalFunction", intervalFunction);
            return this;
        }

        /**
         * Retries only exceptions of these classes (and their subclasses); none given means all.
         *
         * @param classes the classes.
         * @return this builder.
         */
        @SafeVarargs
        @SuppressWarnings("varargs")
        public final Builder retryExceptions(final Class<? extends Throwable>... classes)
        {
            this.retryExceptions = List.copyOf(Arrays.asList(requireSetting("retryExceptions", classes)));
            return this;
        }

        /**
         * Never retries exceptions of these classes (and their subclasses), whatever else says.
         *
         * @param classes the classes.
         * @return this builder.
         */
        @SafeVarargs
        @SuppressWarnings("varargs")
        public final Builder ignoreExceptions(final Class<? extends Throwable>... classes)
        {
            this.ignoreExceptions = List.copyOf(Arrays.asList(requireSetting("ignoreExceptions", classes)));
            return this;
        }

        /**
         * Retries only exceptions this predicate accepts.
         *
         * @param predicate the predicate.
         * @return this builder.
         */
        public Builder retryOnException(final Predicate<Throwable> predicate)
        {
            this.retryOnException = requireSetting("retryOnException", predicate);
            return this;
        }

        /**
         * Retries when an attempt's result matches this predicate (e.g. a back-pressure code).
         *
         * @param predicate the predicate.
         * @return this builder.
         */
        public Builder retryOnResult(final Predicate<Object> predicate)
        {
            this.retryOnResult = requireSetting("retryOnResult", predicate);
            return this;
        }

        /**
         * Throws {@link MaxRetriesExceededException} when the last attempt's result still matches
         * {@code retryOnResult}, instead of returning it.
         *
         * @param fail the flag.
         * @return this builder.
         */
        public Builder failAfterMaxAttempts(final boolean fail)
        {
            this.failAfterMaxAttempts = fail;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return an immutable configuration.
         */
        public RetryConfig build()
        {
            return new RetryConfig(this);
        }

        private static <T> T requireSetting(final String setting, final T value)
        {
            if (value == null)
            {
                throw new ConfigurationException("invalid retry setting: " + setting + "=null, give a value");
            }
            return Objects.requireNonNull(value);
        }
    }
}
