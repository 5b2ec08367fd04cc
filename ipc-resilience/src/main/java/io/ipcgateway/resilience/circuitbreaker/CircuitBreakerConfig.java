package io.ipcgateway.resilience.circuitbreaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.ipcgateway.core.ConfigurationException;

/**
 * The immutable settings of a circuit breaker, with Resilience4j's names and defaults. Made by {@link #custom()}
 * (or {@link #from(CircuitBreakerConfig)}); each setter validates at once and a bad value fails with a
 * {@link ConfigurationException} naming the setting, the value and the valid range.
 * <table>
 *     <caption>Settings</caption>
 *     <tr><th>Setting</th><th>Default</th><th>Valid</th></tr>
 *     <tr><td>failureRateThreshold</td><td>50 %</td><td>(0, 100]</td></tr>
 *     <tr><td>slowCallRateThreshold</td><td>100 %</td><td>(0, 100]</td></tr>
 *     <tr><td>slowCallDurationThreshold</td><td>60 s</td><td>1 ns or more</td></tr>
 *     <tr><td>slidingWindowType</td><td>COUNT_BASED</td><td>COUNT_BASED, TIME_BASED</td></tr>
 *     <tr><td>slidingWindowSize</td><td>100 (calls or seconds)</td><td>1 to {@value #MAX_WINDOW_SIZE}
 *     (count), 1 to {@value #MAX_TIME_WINDOW_SECONDS} (time)</td></tr>
 *     <tr><td>minimumNumberOfCalls</td><td>100</td><td>1 or more</td></tr>
 *     <tr><td>permittedNumberOfCallsInHalfOpenState</td><td>10</td><td>1 to {@value #MAX_WINDOW_SIZE}</td></tr>
 *     <tr><td>waitDurationInOpenState / waitIntervalFunctionInOpenState</td><td>60 s fixed</td>
 *     <td>1 ms to one year</td></tr>
 *     <tr><td>automaticTransitionFromOpenToHalfOpenEnabled</td><td>false</td><td></td></tr>
 *     <tr><td>maxWaitDurationInHalfOpenState</td><td>0 (wait for the trial calls)</td><td>0 to one year</td></tr>
 *     <tr><td>transitionToStateAfterWaitDuration</td><td>OPEN</td><td>OPEN, CLOSED</td></tr>
 *     <tr><td>recordExceptions / recordException</td><td>every exception</td><td></td></tr>
 *     <tr><td>ignoreExceptions / ignoreException</td><td>none</td><td></td></tr>
 *     <tr><td>recordResult</td><td>no result is a failure</td><td></td></tr>
 *     <tr><td>clock</td><td>{@link NanoClock#SYSTEM}</td><td></td></tr>
 * </table>
 */
public final class CircuitBreakerConfig
{
    /** Default failure-rate threshold in percent. */
    public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;

    /** Default slow-call-rate threshold in percent. */
    public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;

    /** Default slow-call duration threshold: 60 s. */
    public static final long DEFAULT_SLOW_CALL_DURATION_THRESHOLD_NS = TimeUnit.SECONDS.toNanos(60);

    /** Default window size. */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 100;

    /** Default minimum number of calls before a rate is computed. */
    public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 100;

    /** Default number of trial calls in HALF_OPEN. */
    public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 10;

    /** Default wait in OPEN: 60 s. */
    public static final long DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS = 60_000;

    /** Largest wait in OPEN or HALF_OPEN: one year, in milliseconds. */
    public static final long MAX_WAIT_MILLIS = 365L * 24 * 3600 * 1000;

    /** Largest count window and number of trial calls (the packed counters hold 17-bit fields). */
    public static final int MAX_WINDOW_SIZE = 1 << 16;

    /** Largest time window in seconds (one bucket per second). */
    public static final int MAX_TIME_WINDOW_SECONDS = 3600;

    private final float failureRateThreshold;
    private final float slowCallRateThreshold;
    private final long slowCallDurationThresholdNs;
    private final SlidingWindowType slidingWindowType;
    private final int slidingWindowSize;
    private final int minimumNumberOfCalls;
    private final int permittedNumberOfCallsInHalfOpenState;
    private final WaitIntervalFunction waitIntervalFunctionInOpenState;
    private final boolean automaticTransitionFromOpenToHalfOpenEnabled;
    private final long maxWaitDurationInHalfOpenStateMs;
    private final CircuitBreakerState transitionToStateAfterWaitDuration;
    private final Predicate<Throwable> recordExceptionPredicate;
    private final Predicate<Throwable> ignoreExceptionPredicate;
    private final Predicate<Object> recordResultPredicate;
    private final NanoClock clock;
    private final Builder builderCopy;

    private CircuitBreakerConfig(final Builder builder)
    {
        this.failureRateThreshold = builder.failureRateThreshold;
        this.slowCallRateThreshold = builder.slowCallRateThreshold;
        this.slowCallDurationThresholdNs = builder.slowCallDurationThresholdNs;
        this.slidingWindowType = builder.slidingWindowType;
        this.slidingWindowSize = builder.slidingWindowSize;
        this.minimumNumberOfCalls = builder.minimumNumberOfCalls;
        this.permittedNumberOfCallsInHalfOpenState = builder.permittedNumberOfCallsInHalfOpenState;
        this.waitIntervalFunctionInOpenState = builder.waitIntervalFunctionInOpenState;
        this.automaticTransitionFromOpenToHalfOpenEnabled = builder.automaticTransitionFromOpenToHalfOpenEnabled;
        this.maxWaitDurationInHalfOpenStateMs = builder.maxWaitDurationInHalfOpenStateMs;
        this.transitionToStateAfterWaitDuration = builder.transitionToStateAfterWaitDuration;
        this.recordExceptionPredicate = combine(builder.recordException, builder.recordExceptions, true);
        this.ignoreExceptionPredicate = combine(builder.ignoreException, builder.ignoreExceptions, false);
        this.recordResultPredicate = builder.recordResult;
        this.clock = builder.clock;
        this.builderCopy = builder.copy();
    }

    /**
     * The defaults.
     *
     * @return a config with every default.
     */
    public static CircuitBreakerConfig ofDefaults()
    {
        return custom().build();
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
     * A builder holding the settings of another config.
     *
     * @param base the config to start from.
     * @return a new builder.
     */
    public static Builder from(final CircuitBreakerConfig base)
    {
        return base.builderCopy.copy();
    }

    private static Predicate<Throwable> combine(
        final Predicate<Throwable> predicate, final List<Class<? extends Throwable>> classes, final boolean whenNone)
    {
        if (predicate == null && classes.isEmpty())
        {
            return whenNone ? throwable -> true : throwable -> false;
        }
        final List<Class<? extends Throwable>> types = classes;
        return throwable ->
        {
            if (predicate != null && predicate.test(throwable))
            {
                return true;
            }
            for (final Class<? extends Throwable> type : types)
            {
                if (type.isInstance(throwable))
                {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Failure rate in percent at or above which the breaker opens.
     *
     * @return the threshold.
     */
    public float failureRateThreshold()
    {
        return failureRateThreshold;
    }

    /**
     * Slow-call rate in percent at or above which the breaker opens.
     *
     * @return the threshold.
     */
    public float slowCallRateThreshold()
    {
        return slowCallRateThreshold;
    }

    /**
     * A call longer than this is slow.
     *
     * @return the threshold in nanoseconds.
     */
    public long slowCallDurationThresholdNs()
    {
        return slowCallDurationThresholdNs;
    }

    /**
     * The kind of CLOSED window.
     *
     * @return the type.
     */
    public SlidingWindowType slidingWindowType()
    {
        return slidingWindowType;
    }

    /**
     * The CLOSED window's size: calls (count-based) or seconds (time-based).
     *
     * @return the size.
     */
    public int slidingWindowSize()
    {
        return slidingWindowSize;
    }

    /**
     * Calls needed in the window before a rate is computed (count-based: at most the window size).
     *
     * @return the minimum.
     */
    public int minimumNumberOfCalls()
    {
        return minimumNumberOfCalls;
    }

    /**
     * Trial calls permitted in HALF_OPEN.
     *
     * @return the number.
     */
    public int permittedNumberOfCallsInHalfOpenState()
    {
        return permittedNumberOfCallsInHalfOpenState;
    }

    /**
     * The wait in OPEN as a function of the attempt.
     *
     * @return the function.
     */
    public WaitIntervalFunction waitIntervalFunctionInOpenState()
    {
        return waitIntervalFunctionInOpenState;
    }

    /**
     * Whether OPEN turns HALF_OPEN when the wait is over without a call arriving (on the shared scheduler thread).
     *
     * @return true when automatic.
     */
    public boolean automaticTransitionFromOpenToHalfOpenEnabled()
    {
        return automaticTransitionFromOpenToHalfOpenEnabled;
    }

    /**
     * The longest stay in HALF_OPEN before {@link #transitionToStateAfterWaitDuration()}; 0 waits for the trials.
     *
     * @return milliseconds.
     */
    public long maxWaitDurationInHalfOpenStateMs()
    {
        return maxWaitDurationInHalfOpenStateMs;
    }

    /**
     * Where HALF_OPEN goes when its maximum wait is over.
     *
     * @return OPEN or CLOSED.
     */
    public CircuitBreakerState transitionToStateAfterWaitDuration()
    {
        return transitionToStateAfterWaitDuration;
    }

    /**
     * Whether an exception counts as a failure (when not ignored); otherwise it counts as a success.
     *
     * @param error the exception.
     * @return true to record it as a failure.
     */
    public boolean isRecorded(final Throwable error)
    {
        return recordExceptionPredicate.test(error);
    }

    /**
     * Whether an exception is ignored: neither success nor failure, its permission released.
     *
     * @param error the exception.
     * @return true to ignore it.
     */
    public boolean isIgnored(final Throwable error)
    {
        return ignoreExceptionPredicate.test(error);
    }

    /**
     * Whether a result counts as a failure.
     *
     * @param result the result, not null.
     * @return true to record it as a failure.
     */
    public boolean isFailureResult(final Object result)
    {
        return recordResultPredicate.test(result);
    }

    /**
     * The clock calls and waits are measured with.
     *
     * @return the clock.
     */
    public NanoClock clock()
    {
        return clock;
    }

    /**
     * A hash of the settings that shape the shared state, so processes with different settings cannot share one
     * breaker file ({@link io.ipcgateway.resilience.shared.SharedStateFile}).
     *
     * @return the fingerprint.
     */
    public long fingerprint()
    {
        long hash = 0x9E3779B97F4A7C15L;
        hash = mix(hash, Float.floatToIntBits(failureRateThreshold));
        hash = mix(hash, Float.floatToIntBits(slowCallRateThreshold));
        hash = mix(hash, slowCallDurationThresholdNs);
        hash = mix(hash, slidingWindowType.ordinal());
        hash = mix(hash, slidingWindowSize);
        hash = mix(hash, minimumNumberOfCalls);
        hash = mix(hash, permittedNumberOfCallsInHalfOpenState);
        return hash;
    }

    private static long mix(final long hash, final long value)
    {
        long h = (hash ^ value) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        return h;
    }

    @Override
    public String toString()
    {
        return "CircuitBreakerConfig{failureRateThreshold=" + failureRateThreshold + ", slowCallRateThreshold="
            + slowCallRateThreshold + ", slowCallDurationThresholdNs=" + slowCallDurationThresholdNs
            + ", slidingWindowType=" + slidingWindowType + ", slidingWindowSize=" + slidingWindowSize
            + ", minimumNumberOfCalls=" + minimumNumberOfCalls + ", permittedNumberOfCallsInHalfOpenState="
            + permittedNumberOfCallsInHalfOpenState + ", automaticTransitionFromOpenToHalfOpenEnabled="
            + automaticTransitionFromOpenToHalfOpenEnabled + ", maxWaitDurationInHalfOpenStateMs="
            + maxWaitDurationInHalfOpenStateMs + '}';
    }

    /**
     * Builds a {@link CircuitBreakerConfig}; each setter validates its value at once.
     */
    public static final class Builder
    {
        private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private float slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;
        private long slowCallDurationThresholdNs = DEFAULT_SLOW_CALL_DURATION_THRESHOLD_NS;
        private SlidingWindowType slidingWindowType = SlidingWindowType.COUNT_BASED;
        private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
        private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;
        private int permittedNumberOfCallsInHalfOpenState = DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;
        private WaitIntervalFunction waitIntervalFunctionInOpenState =
            WaitIntervalFunction.fixed(DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS);
        private boolean automaticTransitionFromOpenToHalfOpenEnabled;
        private long maxWaitDurationInHalfOpenStateMs;
        private CircuitBreakerState transitionToStateAfterWaitDuration = CircuitBreakerState.OPEN;
        private Predicate<Throwable> recordException;
        private List<Class<? extends Throwable>> recordExceptions = List.of();
        private Predicate<Throwable> ignoreException;
        private List<Class<? extends Throwable>> ignoreExceptions = List.of();
        private Predicate<Object> recordResult = result -> false;
        private NanoClock clock = NanoClock.SYSTEM;

        private Builder()
        {
        }

        private Builder copy()
        {
            final Builder copy = new Builder();
            copy.failureRateThreshold = failureRateThreshold;
            copy.slowCallRateThreshold = slowCallRateThreshold;
            copy.slowCallDurationThresholdNs = slowCallDurationThresholdNs;
            copy.slidingWindowType = slidingWindowType;
            copy.slidingWindowSize = slidingWindowSize;
            copy.minimumNumberOfCalls = minimumNumberOfCalls;
            copy.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
            copy.waitIntervalFunctionInOpenState = waitIntervalFunctionInOpenState;
            copy.automaticTransitionFromOpenToHalfOpenEnabled = automaticTransitionFromOpenToHalfOpenEnabled;
            copy.maxWaitDurationInHalfOpenStateMs = maxWaitDurationInHalfOpenStateMs;
            copy.transitionToStateAfterWaitDuration = transitionToStateAfterWaitDuration;
            copy.recordException = recordException;
            copy.recordExceptions = recordExceptions;
            copy.ignoreException = ignoreException;
            copy.ignoreExceptions = ignoreExceptions;
            copy.recordResult = recordResult;
            copy.clock = clock;
            return copy;
        }

        /**
         * Sets the failure rate in percent at or above which the breaker opens.
         *
         * @param percent greater than 0, at most 100.
         * @return this builder.
         */
        public Builder failureRateThreshold(final float percent)
        {
            this.failureRateThreshold = percentage("failureRateThreshold", percent);
            return this;
        }

        /**
         * Sets the slow-call rate in percent at or above which the breaker opens.
         *
         * @param percent greater than 0, at most 100.
         * @return this builder.
         */
        public Builder slowCallRateThreshold(final float percent)
        {
            this.slowCallRateThreshold = percentage("slowCallRateThreshold", percent);
            return this;
        }

        /**
         * Sets the duration above which a call is slow.
         *
         * @param threshold at least 1 ns.
         * @return this builder.
         */
        public Builder slowCallDurationThreshold(final Duration threshold)
        {
            final long nanos = saturatedNanos(threshold);
            if (nanos < 1)
            {
                throw new ConfigurationException("slowCallDurationThreshold=" + threshold
                    + " is invalid: valid range is 1 ns or more");
            }
            this.slowCallDurationThresholdNs = nanos;
            return this;
        }

        /**
         * Sets the window type and size, like Resilience4j's {@code slidingWindow(size, minCalls, type)}: for a
         * count-based window the minimum number of calls is capped at the size (also in HALF_OPEN), as there.
         *
         * @param size     calls (count-based) or seconds (time-based).
         * @param minCalls see {@link #minimumNumberOfCalls(int)}.
         * @param type     the type.
         * @return this builder.
         */
        public Builder slidingWindow(final int size, final int minCalls, final SlidingWindowType type)
        {
            slidingWindowType(type);
            slidingWindowSize(size);
            minimumNumberOfCalls(minCalls);
            if (type == SlidingWindowType.COUNT_BASED)
            {
                this.minimumNumberOfCalls = Math.min(minCalls, size);
            }
            return this;
        }

        /**
         * Sets the window type (the size is checked against it at build time).
         *
         * @param type COUNT_BASED or TIME_BASED.
         * @return this builder.
         */
        public Builder slidingWindowType(final SlidingWindowType type)
        {
            this.slidingWindowType = Objects.requireNonNull(type, "slidingWindowType");
            return this;
        }

        /**
         * Sets the window size.
         *
         * @param size 1 to {@value #MAX_WINDOW_SIZE} calls, or 1 to {@value #MAX_TIME_WINDOW_SECONDS} seconds.
         * @return this builder.
         */
        public Builder slidingWindowSize(final int size)
        {
            if (size < 1 || size > MAX_WINDOW_SIZE)
            {
                throw new ConfigurationException("slidingWindowSize=" + size + " is invalid: valid range is 1 to "
                    + MAX_WINDOW_SIZE + " (calls), or 1 to " + MAX_TIME_WINDOW_SECONDS + " (seconds, time-based)");
            }
            this.slidingWindowSize = size;
            return this;
        }

        /**
         * Sets the calls needed in the window before a rate is computed.
         *
         * @param minCalls 1 or more.
         * @return this builder.
         */
        public Builder minimumNumberOfCalls(final int minCalls)
        {
            if (minCalls < 1)
            {
                throw new ConfigurationException("minimumNumberOfCalls=" + minCalls
                    + " is invalid: valid range is 1 or more");
            }
            this.minimumNumberOfCalls = minCalls;
            return this;
        }

        /**
         * Sets the number of trial calls in HALF_OPEN.
         *
         * @param permitted 1 to {@value #MAX_WINDOW_SIZE}.
         * @return this builder.
         */
        public Builder permittedNumberOfCallsInHalfOpenState(final int permitted)
        {
            if (permitted < 1 || permitted > MAX_WINDOW_SIZE)
            {
                throw new ConfigurationException("permittedNumberOfCallsInHalfOpenState=" + permitted
                    + " is invalid: valid range is 1 to " + MAX_WINDOW_SIZE);
            }
            this.permittedNumberOfCallsInHalfOpenState = permitted;
            return this;
        }

        /**
         * Sets a fixed wait in OPEN.
         *
         * @param wait 1 ms to one year.
         * @return this builder.
         */
        public Builder waitDurationInOpenState(final Duration wait)
        {
            final long millis = saturatedMillis(wait);
            if (millis < 1 || millis > MAX_WAIT_MILLIS)
            {
                throw new ConfigurationException("waitDurationInOpenState=" + wait + " is invalid: valid range is 1 ms"
                    + " to " + MAX_WAIT_MILLIS + " ms (one year)");
            }
            this.waitIntervalFunctionInOpenState = WaitIntervalFunction.fixed(millis);
            return this;
        }

        /**
         * Sets the wait in OPEN as a function of the attempt (e.g. {@link WaitIntervalFunction#exponential}).
         *
         * @param function the function; results are clamped to 1 ms to one year.
         * @return this builder.
         */
        public Builder waitIntervalFunctionInOpenState(final WaitIntervalFunction function)
        {
            this.waitIntervalFunctionInOpenState = Objects.requireNonNull(function, "waitIntervalFunctionInOpenState");
            return this;
        }

        /**
         * Enables the automatic OPEN to HALF_OPEN transition on the shared scheduler thread.
         *
         * @param enabled true to enable.
         * @return this builder.
         */
        public Builder automaticTransitionFromOpenToHalfOpenEnabled(final boolean enabled)
        {
            this.automaticTransitionFromOpenToHalfOpenEnabled = enabled;
            return this;
        }

        /**
         * Sets the longest stay in HALF_OPEN.
         *
         * @param wait 0 (wait for the trial calls) to one year.
         * @return this builder.
         */
        public Builder maxWaitDurationInHalfOpenState(final Duration wait)
        {
            final long millis = saturatedMillis(wait);
            if (millis < 0 || millis > MAX_WAIT_MILLIS)
            {
                throw new ConfigurationException("maxWaitDurationInHalfOpenState=" + wait + " is invalid: valid range"
                    + " is 0 to " + MAX_WAIT_MILLIS + " ms (one year)");
            }
            this.maxWaitDurationInHalfOpenStateMs = millis;
            return this;
        }

        /**
         * Sets where HALF_OPEN goes when its maximum wait is over.
         *
         * @param state OPEN or CLOSED.
         * @return this builder.
         */
        public Builder transitionToStateAfterWaitDuration(final CircuitBreakerState state)
        {
            if (state != CircuitBreakerState.OPEN && state != CircuitBreakerState.CLOSED)
            {
                throw new ConfigurationException("transitionToStateAfterWaitDuration=" + state
                    + " is invalid: valid values are OPEN and CLOSED");
            }
            this.transitionToStateAfterWaitDuration = state;
            return this;
        }

        /**
         * Records as failures only exceptions of these classes (and subclasses), or matching
         * {@link #recordException(Predicate)}; other exceptions count as successes.
         *
         * @param classes the classes.
         * @return this builder.
         */
        @SafeVarargs
        public final Builder recordExceptions(final Class<? extends Throwable>... classes)
        {
            final List<Class<? extends Throwable>> list = new ArrayList<>();
            for (final Class<? extends Throwable> type : classes)
            {
                list.add(Objects.requireNonNull(type, "exception class"));
            }
            this.recordExceptions = Collections.unmodifiableList(list);
            return this;
        }

        /**
         * Records as failures exceptions matching the predicate (or of a {@link #recordExceptions} class).
         *
         * @param predicate the predicate.
         * @return this builder.
         */
        public Builder recordException(final Predicate<Throwable> predicate)
        {
            this.recordException = Objects.requireNonNull(predicate, "recordException");
            return this;
        }

        /**
         * Ignores exceptions of these classes (and subclasses): neither success nor failure.
         *
         * @param classes the classes.
         * @return this builder.
         */
        @SafeVarargs
        public final Builder ignoreExceptions(final Class<? extends Throwable>... classes)
        {
            final List<Class<? extends Throwable>> list = new ArrayList<>();
            for (final Class<? extends Throwable> type : classes)
            {
                list.add(Objects.requireNonNull(type, "exception class"));
            }
            this.ignoreExceptions = Collections.unmodifiableList(list);
            return this;
        }

        /**
         * Ignores exceptions matching the predicate (or of an {@link #ignoreExceptions} class).
         *
         * @param predicate the predicate.
         * @return this builder.
         */
        public Builder ignoreException(final Predicate<Throwable> predicate)
        {
            this.ignoreException = Objects.requireNonNull(predicate, "ignoreException");
            return this;
        }

        /**
         * Counts results matching the predicate as failures (e.g. an error response code).
         *
         * @param predicate the predicate, given non-null results.
         * @return this builder.
         */
        public Builder recordResult(final Predicate<Object> predicate)
        {
            this.recordResult = Objects.requireNonNull(predicate, "recordResult");
            return this;
        }

        /**
         * Sets the clock (a {@link ManualClock} in tests).
         *
         * @param clock the clock.
         * @return this builder.
         */
        public Builder clock(final NanoClock clock)
        {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the config, checking the settings against each other.
         *
         * @return the config.
         */
        public CircuitBreakerConfig build()
        {
            if (slidingWindowType == SlidingWindowType.TIME_BASED && slidingWindowSize > MAX_TIME_WINDOW_SECONDS)
            {
                throw new ConfigurationException("slidingWindowSize=" + slidingWindowSize + " is invalid for a "
                    + "TIME_BASED window: valid range is 1 to " + MAX_TIME_WINDOW_SECONDS + " seconds");
            }
            return new CircuitBreakerConfig(this);
        }

        private static float percentage(final String setting, final float percent)
        {
            if (!(percent > 0) || percent > 100)
            {
                throw new ConfigurationException(setting + "=" + percent + " is invalid: valid range is greater than 0"
                    + " and at most 100 (percent)");
            }
            return percent;
        }

        private static long saturatedNanos(final Duration duration)
        {
            Objects.requireNonNull(duration, "duration");
            try
            {
                return duration.toNanos();
            }
            catch (final ArithmeticException ex)
            {
                return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
        }

        private static long saturatedMillis(final Duration duration)
        {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative())
            {
                return -1;
            }
            try
            {
                return duration.toMillis();
            }
            catch (final ArithmeticException ex)
            {
                return Long.MAX_VALUE;
            }
        }
    }
}
