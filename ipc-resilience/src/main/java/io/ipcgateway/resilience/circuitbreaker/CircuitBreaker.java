package io.ipcgateway.resilience.circuitbreaker;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.ipcgateway.resilience.circuitbreaker.internal.SystemSeconds;
import io.ipcgateway.resilience.circuitbreaker.internal.TransitionScheduler;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.BASE_NS_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.BUCKET_FAILED_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.BUCKET_LENGTH;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.BUCKET_SLOW_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.BUCKET_TOTAL_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.CALLS_FAILED_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.CALLS_NOT_PERMITTED_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.CALLS_SLOW_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.CALLS_SUCCESSFUL_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.CALL_STRIPES;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.CALL_STRIPE_LENGTH;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.CLOSED_WINDOW_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.COUNTER_BIAS;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.COUNTER_FIELD_BITS;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.COUNTER_TAG_SHIFT;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.GENERATION_MASK;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.HALF_OPEN_SINCE_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.PAYLOAD_SHIFT;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.PERMITTED_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.SLOT_SEQUENCE_BITS;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.SLOT_SEQUENCE_SHIFT;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.STATE_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.WINDOW_COUNTERS_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.WINDOW_SEQUENCE_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.WINDOW_SIZE_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.WINDOW_SLOTS_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.WINDOW_TYPE_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.attempts;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.emptyCounters;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.generation;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.payload;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.stateCode;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.stateWord;

/**
 * A circuit breaker with Resilience4j's states and semantics (see {@code docs/resilience.md} for the deliberate
 * differences), lock-free: its whole state is a few words in a buffer laid out by {@link CircuitBreakerDescriptor}
 * and changed by atomic operations only. A call on a CLOSED breaker ({@link #tryAcquirePermission()} then
 * {@link #onSuccess}/{@link #onError}) and a rejection by an OPEN one allocate nothing.
 * <p>
 * Use: {@code if (breaker.tryAcquirePermission()) { start = clock; call; breaker.onSuccess(elapsed, NANOSECONDS)
 * or breaker.onError(elapsed, NANOSECONDS, error) } else { fallback }}, or {@link #executeSupplier} and friends,
 * which measure and classify for you and throw the breaker's preallocated {@link CallNotPermittedException}.
 * <p>
 * {@link SharedCircuitBreaker} is the same breaker with its buffer in a file shared by the processes of a host.
 */
public class CircuitBreaker
{
    static final int CLOSED = 0;
    static final int OPEN = 1;
    static final int HALF_OPEN = 2;
    static final int DISABLED = 3;
    static final int FORCED_OPEN = 4;
    static final int METRICS_ONLY = 5;

    private static final int PRESENT = 1;
    private static final int FAILED = 2;
    private static final int SLOW = 4;

    private static final int DROPPED = -1;
    private static final int BELOW_MINIMUM = 0;
    private static final int BELOW_THRESHOLDS = 1;
    private static final int FAILURE_RATE_EXCEEDED = 2;
    private static final int SLOW_CALL_RATE_EXCEEDED = 3;
    private static final int BOTH_EXCEEDED = 4;

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long FIELD_MASK = (1L << COUNTER_FIELD_BITS) - 1;
    private static final long SEQUENCE_MASK = (1L << SLOT_SEQUENCE_BITS) - 1;
    private static final long SINCE_MASK = (1L << 52) - 1;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;
    private static final int TIME_HEAD = CLOSED_WINDOW_OFFSET + CircuitBreakerDescriptor.TIME_HEAD_OFFSET;
    private static final int TIME_TOTAL = CLOSED_WINDOW_OFFSET + CircuitBreakerDescriptor.TIME_TOTAL_OFFSET;
    private static final int TIME_FAILED = CLOSED_WINDOW_OFFSET + CircuitBreakerDescriptor.TIME_FAILED_OFFSET;
    private static final int TIME_SLOW = CLOSED_WINDOW_OFFSET + CircuitBreakerDescriptor.TIME_SLOW_OFFSET;
    private static final int TIME_BUCKETS_OFFSET = CircuitBreakerDescriptor.TIME_BUCKETS_OFFSET;
    private static final long SECOND_MASK = (1L << 19) - 1;
    private static final long STAMP_MASK = (1L << 31) - 1;
    // In a bucket word: the counts of the window's head second, not yet added to the running totals.
    private static final long PENDING = 1L << 63;
    private static final long SECOND_REFRESH_MASK = 1023;
    private static final int NOT_RECORDED = -2;
    private static final long QUIET_CHECK_MASK = 63;
    private static final CircuitBreakerListener[] NO_LISTENERS = new CircuitBreakerListener[0];
    // Threads of different processes sharing a breaker start their stripes at different places.
    private static final long STRIPE_SALT = (ProcessHandle.current().pid() * 0x9E37_79B9_7F4A_7C15L) >>> 60;

    private final String name;
    private final CircuitBreakerConfig config;
    private final NanoClock clock;
    private final AtomicBuffer buffer;
    private final boolean countBased;
    private final int windowSize;
    private final int permitted;
    private final int halfOpenWindow;
    private final int callTotals;
    private final int minimumCallsClosed;
    private final int minimumCallsHalfOpen;
    private final long slowCallNs;
    private final float failureRateThreshold;
    private final float slowCallRateThreshold;
    private final long maxWaitInHalfOpenMs;
    private final boolean automaticOpenToHalfOpen;
    private final long baseNs;
    private final CallNotPermittedException notPermitted;
    private final boolean systemClock;
    // An OPEN state word whose wait this process knows is not over yet: a rejection that reads exactly this word
    // needs no clock. Set by a rejection that read the clock, cleared by the scheduler thread when the wait ends.
    private volatile long quietOpenWord;
    private final AtomicInteger failureEventGeneration = new AtomicInteger(-1);
    private final AtomicInteger slowEventGeneration = new AtomicInteger(-1);
    private volatile CircuitBreakerListener[] listeners = NO_LISTENERS;
    // In-process time window only: a bucket's first word counts successes only (failures are in its failed word),
    // and the buckets are the record of the successes over the breaker's life (see record).
    private final boolean successWords;
    // Successes of bucket words that were restamped for another second (so no longer in any bucket).
    private final AtomicLong retiredSuccesses = new AtomicLong();
    // The largest lifetime success total metrics() reported, so that a read racing a restamp never goes back.
    private final AtomicLong reportedSuccesses = new AtomicLong();

    /**
     * Wraps state that {@link #initialise} wrote in another process too (a shared breaker).
     *
     * @param name   the breaker's name.
     * @param config its config.
     * @param buffer its state, {@link CircuitBreakerDescriptor#length} bytes, 8-byte aligned.
     */
    CircuitBreaker(final String name, final CircuitBreakerConfig config, final AtomicBuffer buffer)
    {
        this(name, config, buffer, false);
    }

    /**
     * Wraps state that {@link #initialise} wrote.
     *
     * @param name      the breaker's name.
     * @param config    its config.
     * @param buffer    its state, {@link CircuitBreakerDescriptor#length} bytes, 8-byte aligned.
     * @param inProcess whether only this process uses the state (its time window may then hold the lifetime
     *                  success totals, which a shared file must not: they must survive a killed process).
     */
    CircuitBreaker(final String name, final CircuitBreakerConfig config, final AtomicBuffer buffer,
        final boolean inProcess)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = config.clock();
        this.buffer = buffer;
        this.countBased = config.slidingWindowType() == SlidingWindowType.COUNT_BASED;
        this.windowSize = config.slidingWindowSize();
        this.permitted = config.permittedNumberOfCallsInHalfOpenState();
        this.halfOpenWindow = CircuitBreakerDescriptor.halfOpenWindowOffset(config);
        this.callTotals = CircuitBreakerDescriptor.callTotalsOffset(config);
        this.minimumCallsClosed = countBased ?
            Math.min(config.minimumNumberOfCalls(), windowSize) : config.minimumNumberOfCalls();
        this.minimumCallsHalfOpen = Math.min(config.minimumNumberOfCalls(), permitted);
        this.slowCallNs = config.slowCallDurationThresholdNs();
        this.failureRateThreshold = config.failureRateThreshold();
        this.slowCallRateThreshold = config.slowCallRateThreshold();
        this.maxWaitInHalfOpenMs = config.maxWaitDurationInHalfOpenStateMs();
        this.automaticOpenToHalfOpen = config.automaticTransitionFromOpenToHalfOpenEnabled();
        this.baseNs = buffer.getLongVolatile(BASE_NS_OFFSET);
        this.notPermitted = new CallNotPermittedException(name);
        // Only the system clock: the scheduler that ends a quiet wait runs in real time, a test clock does not.
        this.systemClock = clock == NanoClock.SYSTEM;
        this.successWords = inProcess && !countBased;
    }

    /**
     * An in-process breaker.
     *
     * @param name   its name (for events, metrics and messages).
     * @param config its config.
     * @return the breaker, CLOSED.
     */
    public static CircuitBreaker of(final String name, final CircuitBreakerConfig config)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(CircuitBreakerDescriptor.length(config), 64));
        initialise(buffer, config);
        return new CircuitBreaker(name, config, buffer, true);
    }

    /**
     * An in-process breaker with the default config.
     *
     * @param name its name.
     * @return the breaker, CLOSED.
     */
    public static CircuitBreaker ofDefaults(final String name)
    {
        return of(name, CircuitBreakerConfig.ofDefaults());
    }

    /**
     * Writes the initial state (CLOSED, generation 0, empty windows) into zeroed memory.
     *
     * @param buffer the state's memory, zeroed, {@link CircuitBreakerDescriptor#length} bytes.
     * @param config the config.
     */
    static void initialise(final AtomicBuffer buffer, final CircuitBreakerConfig config)
    {
        buffer.putLong(BASE_NS_OFFSET, config.clock().nanoTime());
        buffer.putInt(WINDOW_TYPE_OFFSET, config.slidingWindowType().ordinal());
        buffer.putInt(WINDOW_SIZE_OFFSET, config.slidingWindowSize());
        buffer.putInt(PERMITTED_OFFSET, config.permittedNumberOfCallsInHalfOpenState());
        buffer.putInt(CircuitBreakerDescriptor.MINIMUM_CALLS_OFFSET, config.minimumNumberOfCalls());
        buffer.putFloat(CircuitBreakerDescriptor.FAILURE_RATE_THRESHOLD_OFFSET, config.failureRateThreshold());
        buffer.putFloat(CircuitBreakerDescriptor.SLOW_CALL_RATE_THRESHOLD_OFFSET, config.slowCallRateThreshold());
        buffer.putLong(CircuitBreakerDescriptor.SLOW_CALL_DURATION_OFFSET, config.slowCallDurationThresholdNs());
        if (config.slidingWindowType() == SlidingWindowType.COUNT_BASED)
        {
            buffer.putLong(CLOSED_WINDOW_OFFSET + WINDOW_COUNTERS_OFFSET, emptyCounters(0));
        }
        buffer.putLong(CircuitBreakerDescriptor.halfOpenWindowOffset(config) + WINDOW_COUNTERS_OFFSET,
            emptyCounters(0));
        buffer.putLongRelease(STATE_OFFSET, stateWord(CLOSED, 0, 0, 0));
    }

    /**
     * The breaker's name.
     *
     * @return the name.
     */
    public final String name()
    {
        return name;
    }

    /**
     * The breaker's config.
     *
     * @return the config.
     */
    public final CircuitBreakerConfig config()
    {
        return config;
    }

    /**
     * Whether the state is shared with other processes.
     *
     * @return true for a {@link SharedCircuitBreaker}.
     */
    public boolean isShared()
    {
        return false;
    }

    /**
     * The current state.
     *
     * @return the state.
     */
    public final CircuitBreakerState state()
    {
        return CircuitBreakerState.ofCode(stateCode(buffer.getLongVolatile(STATE_OFFSET)));
    }

    /**
     * Asks to make a call: allocation-free and lock-free. In OPEN, once the wait is over, this moves the breaker
     * to HALF_OPEN and takes a trial permit. A permitted call must end with {@link #onSuccess}, {@link #onError},
     * {@link #onResult} or {@link #releasePermission()}.
     *
     * @return true when the call may go ahead; false when rejected (counted, and published to listeners).
     */
    public final boolean tryAcquirePermission()
    {
        final long word = buffer.getLongVolatile(STATE_OFFSET);
        if (stateCode(word) == CLOSED)
        {
            return true;
        }
        if (word == quietOpenWord)
        {
            // OPEN and its wait known not to be over: no clock read.
            return rejectQuietly(word);
        }
        return acquireSlowly(word);
    }

    /**
     * Like {@link #tryAcquirePermission()}, but throws when rejected.
     *
     * @throws CallNotPermittedException the breaker's preallocated instance, without a stack trace.
     */
    public final void acquirePermission()
    {
        if (!tryAcquirePermission())
        {
            throw notPermitted;
        }
    }

    /**
     * Gives back a permission without recording an outcome (e.g. the call was not made after all): in HALF_OPEN
     * the trial permit returns.
     */
    public final void releasePermission()
    {
        while (true)
        {
            final long word = buffer.getLongVolatile(STATE_OFFSET);
            if (stateCode(word) != HALF_OPEN ||
                buffer.compareAndSetLong(STATE_OFFSET, word, word + (1L << PAYLOAD_SHIFT)))
            {
                return;
            }
        }
    }

    /**
     * Records a successful call.
     *
     * @param duration how long it took.
     * @param unit     the unit of the duration.
     */
    public final void onSuccess(final long duration, final TimeUnit unit)
    {
        final long durationNs = unit.toNanos(duration);
        final CircuitBreakerListener[] current = listeners;
        if (current.length != 0)
        {
            publishSuccess(current, durationNs);
        }
        record(durationNs, false);
    }

    /**
     * Records a failed call, for callers that classify failures themselves (no exception needed).
     *
     * @param duration how long it took.
     * @param unit     the unit of the duration.
     */
    public final void onError(final long duration, final TimeUnit unit)
    {
        final long durationNs = unit.toNanos(duration);
        final CircuitBreakerListener[] current = listeners;
        if (current.length != 0)
        {
            publishError(current, durationNs, null);
        }
        record(durationNs, true);
    }

    /**
     * Records a call that threw: ignored (permission released), recorded as a failure, or counted as a success,
     * by the config's exception rules. A {@link CompletionException} or {@link ExecutionException} is judged by
     * its cause.
     *
     * @param duration how long it took.
     * @param unit     the unit of the duration.
     * @param error    what it threw.
     */
    public final void onError(final long duration, final TimeUnit unit, final Throwable error)
    {
        Throwable cause = error;
        if ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        final long durationNs = unit.toNanos(duration);
        final CircuitBreakerListener[] current = listeners;
        if (config.isIgnored(cause))
        {
            releasePermission();
            for (final CircuitBreakerListener listener : current)
            {
                try
                {
                    listener.onIgnoredError(name, durationNs, cause);
                }
                catch (final RuntimeException ignore)
                {
                    // A listener cannot break the call.
                }
            }
            return;
        }
        final boolean failed = config.isRecorded(cause);
        if (current.length != 0)
        {
            if (failed)
            {
                publishError(current, durationNs, cause);
            }
            else
            {
                publishSuccess(current, durationNs);
            }
        }
        record(durationNs, failed);
    }

    /**
     * Records a call that returned: a failure when the config's result predicate says so, else a success.
     *
     * @param duration how long it took.
     * @param unit     the unit of the duration.
     * @param result   what it returned (null is a success).
     */
    public final void onResult(final long duration, final TimeUnit unit, final Object result)
    {
        if (result != null && config.isFailureResult(result))
        {
            onError(duration, unit);
        }
        else
        {
            onSuccess(duration, unit);
        }
    }

    /**
     * Runs a supplier through the breaker, measuring it with the breaker's clock.
     *
     * @param supplier the call.
     * @param <T>      its result type.
     * @return its result.
     * @throws CallNotPermittedException when rejected.
     */
    public final <T> T executeSupplier(final Supplier<T> supplier)
    {
        acquirePermission();
        final long start = clock.nanoTime();
        try
        {
            final T result = supplier.get();
            onResult(clock.nanoTime() - start, TimeUnit.NANOSECONDS, result);
            return result;
        }
        catch (final Throwable error)
        {
            onError(clock.nanoTime() - start, TimeUnit.NANOSECONDS, error);
            throw error;
        }
    }

    /**
     * Runs a callable through the breaker.
     *
     * @param callable the call.
     * @param <T>      its result type.
     * @return its result.
     * @throws Exception what the call threw, or {@link CallNotPermittedException} when rejected.
     */
    public final <T> T executeCallable(final Callable<T> callable) throws Exception
    {
        acquirePermission();
        final long start = clock.nanoTime();
        try
        {
            final T result = callable.call();
            onResult(clock.nanoTime() - start, TimeUnit.NANOSECONDS, result);
            return result;
        }
        catch (final Throwable error)
        {
            onError(clock.nanoTime() - start, TimeUnit.NANOSECONDS, error);
            throw error;
        }
    }

    /**
     * Runs a runnable through the breaker.
     *
     * @param runnable the call.
     * @throws CallNotPermittedException when rejected.
     */
    public final void executeRunnable(final Runnable runnable)
    {
        acquirePermission();
        final long start = clock.nanoTime();
        try
        {
            runnable.run();
            onSuccess(clock.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        catch (final Throwable error)
        {
            onError(clock.nanoTime() - start, TimeUnit.NANOSECONDS, error);
            throw error;
        }
    }

    /**
     * Moves to CLOSED with an empty window.
     */
    public final void transitionToClosedState()
    {
        transitionTo(CLOSED);
    }

    /**
     * Moves to OPEN (one more attempt, its wait starting now).
     */
    public final void transitionToOpenState()
    {
        transitionTo(OPEN);
    }

    /**
     * Moves to HALF_OPEN with all its trial permits (not from CLOSED or METRICS_ONLY).
     */
    public final void transitionToHalfOpenState()
    {
        transitionTo(HALF_OPEN);
    }

    /**
     * Moves to DISABLED: every call permitted, nothing recorded.
     */
    public final void transitionToDisabledState()
    {
        transitionTo(DISABLED);
    }

    /**
     * Moves to FORCED_OPEN: every call rejected.
     */
    public final void transitionToForcedOpenState()
    {
        transitionTo(FORCED_OPEN);
    }

    /**
     * Moves to METRICS_ONLY: every call permitted and recorded, never opening (not from OPEN... see
     * {@link IllegalStateTransitionException} for the refused transitions).
     */
    public final void transitionToMetricsOnlyState()
    {
        transitionTo(METRICS_ONLY);
    }

    /**
     * Back to CLOSED with an empty window from any state, and a reset event.
     */
    public final void reset()
    {
        final long now = clock.nanoTime();
        while (true)
        {
            final long word = buffer.getLongVolatile(STATE_OFFSET);
            final long next = stateWord(CLOSED, 0, generation(word) + 1, 0);
            if (buffer.compareAndSetLong(STATE_OFFSET, word, next))
            {
                afterTransition(stateCode(word), next, now);
                for (final CircuitBreakerListener listener : listeners)
                {
                    try
                    {
                        listener.onReset(name);
                    }
                    catch (final RuntimeException ignore)
                    {
                        // A listener cannot break the caller.
                    }
                }
                return;
            }
        }
    }

    /**
     * A snapshot of the current window (allocates).
     *
     * @return the metrics.
     */
    public final CircuitBreakerMetrics metrics()
    {
        return metricsOf(buffer, countBased, successWords ? this : null, windowSize, halfOpenWindow, callTotals,
            minimumCallsClosed, minimumCallsHalfOpen, countBased ? 0 : currentSecond() * NANOS_PER_SECOND);
    }

    /**
     * The successes the time window's buckets hold or held: the retired ones first, then the buckets, so a restamp
     * racing this read can only make it low (metrics() then reports the previous total), never count a call twice.
     */
    private long windowSuccesses()
    {
        while (true)
        {
            final long retired = retiredSuccesses.get();
            long sum = retired;
            for (int i = 0; i < windowSize; i++)
            {
                sum += buffer.getLongVolatile(timeBucket(i) + BUCKET_TOTAL_OFFSET) & COUNT_MASK;
            }
            if (retiredSuccesses.get() == retired)
            {
                return sum;
            }
        }
    }

    /**
     * Reads the metrics of a breaker's state (in-process, or a shared file mapped by an observer), without writing.
     *
     * @param buffer          the state.
     * @param countBased      whether the CLOSED window is count-based.
     * @param windowSize      the CLOSED window's size.
     * @param halfOpenWindow  offset of the HALF_OPEN window.
     * @param callTotals      offset of the call totals.
     * @param minimumClosed   minimum calls for a rate in CLOSED.
     * @param minimumHalfOpen minimum calls for a rate in HALF_OPEN.
     * @param nowNs           the clock now (used by time windows only).
     * @return the metrics.
     */
    static CircuitBreakerMetrics metricsOf(final AtomicBuffer buffer, final boolean countBased, final int windowSize,
        final int halfOpenWindow, final int callTotals, final int minimumClosed, final int minimumHalfOpen,
        final long nowNs)
    {
        return metricsOf(buffer, countBased, null, windowSize, halfOpenWindow, callTotals, minimumClosed,
            minimumHalfOpen, nowNs);
    }

    /**
     * As above; {@code withSuccessWords}, when not null, is the in-process breaker whose time window holds successes
     * only in its buckets' first words and the lifetime successes it recorded.
     */
    private static CircuitBreakerMetrics metricsOf(final AtomicBuffer buffer, final boolean countBased,
        final CircuitBreaker withSuccessWords, final int windowSize, final int halfOpenWindow, final int callTotals,
        final int minimumClosed, final int minimumHalfOpen, final long nowNs)
    {
        final boolean successWords = withSuccessWords != null;
        final long word = buffer.getLongVolatile(STATE_OFFSET);
        final int state = stateCode(word);
        final int generation = generation(word);
        final CircuitBreakerState current = CircuitBreakerState.ofCode(state);
        final long[] counts;
        int minimum = minimumClosed;
        if (state == CLOSED || state == METRICS_ONLY)
        {
            counts = closedCounts(buffer, countBased, successWords, windowSize, nowNs, generation);
        }
        else if (state == HALF_OPEN)
        {
            counts = countWindowCounts(buffer, halfOpenWindow, generation);
            minimum = minimumHalfOpen;
        }
        else if (state == OPEN)
        {
            final int previous = (generation - 1) & GENERATION_MASK;
            final long[] closed = closedCounts(buffer, countBased, successWords, windowSize, nowNs, previous);
            if (closed[0] > 0)
            {
                counts = closed;
            }
            else
            {
                counts = countWindowCounts(buffer, halfOpenWindow, previous);
                minimum = minimumHalfOpen;
            }
        }
        else
        {
            counts = new long[3];
        }
        long successfulTotal = 0;
        long failedTotal = 0;
        long slowTotal = 0;
        long notPermittedCalls = 0;
        for (int i = 0; i < CALL_STRIPES; i++)
        {
            final int stripe = callTotals + i * CALL_STRIPE_LENGTH;
            successfulTotal += buffer.getLongVolatile(stripe + CALLS_SUCCESSFUL_OFFSET);
            failedTotal += buffer.getLongVolatile(stripe + CALLS_FAILED_OFFSET);
            slowTotal += buffer.getLongVolatile(stripe + CALLS_SLOW_OFFSET);
            notPermittedCalls += buffer.getLongVolatile(stripe + CALLS_NOT_PERMITTED_OFFSET);
        }
        if (successWords)
        {
            successfulTotal = withSuccessWords.reportedSuccesses.accumulateAndGet(
                successfulTotal + withSuccessWords.windowSuccesses(), Math::max);
        }
        return new CircuitBreakerMetrics(current, (int)counts[0], (int)counts[1], (int)counts[2], minimum,
            notPermittedCalls, successfulTotal, failedTotal, slowTotal);
    }

    /**
     * Registers a listener (copy on write: do it at set-up, not per call).
     *
     * @param listener the listener.
     */
    public final synchronized void addListener(final CircuitBreakerListener listener)
    {
        final CircuitBreakerListener[] current = listeners;
        final CircuitBreakerListener[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = Objects.requireNonNull(listener, "listener");
        listeners = next;
    }

    /**
     * Removes a listener.
     *
     * @param listener the listener.
     * @return true when it was registered.
     */
    public final synchronized boolean removeListener(final CircuitBreakerListener listener)
    {
        final CircuitBreakerListener[] current = listeners;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == listener)
            {
                final CircuitBreakerListener[] next = new CircuitBreakerListener[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                listeners = next;
                return true;
            }
        }
        return false;
    }

    /**
     * The exception the throwing paths throw (one per breaker).
     *
     * @return the preallocated exception.
     */
    public final CallNotPermittedException callNotPermittedException()
    {
        return notPermitted;
    }

    @Override
    public String toString()
    {
        return "CircuitBreaker{name=" + name + ", state=" + state() + ", shared=" + isShared() + '}';
    }

    /**
     * Runs a timed transition task from the scheduler thread; a shared breaker skips it once closed.
     *
     * @param task the task.
     */
    void runTimedTask(final Runnable task)
    {
        task.run();
    }

    private boolean acquireSlowly(final long firstWord)
    {
        long word = firstWord;
        while (true)
        {
            final int state = stateCode(word);
            if (state == CLOSED || state == DISABLED || state == METRICS_ONLY)
            {
                return true;
            }
            if (state == OPEN)
            {
                final long now = clock.nanoTime();
                if (relativeMillis(now) > payload(word))
                {
                    final long next = stateWord(HALF_OPEN, attempts(word), generation(word) + 1, permitted);
                    if (buffer.compareAndSetLong(STATE_OFFSET, word, next))
                    {
                        afterTransition(OPEN, next, now);
                    }
                    word = buffer.getLongVolatile(STATE_OFFSET);
                    continue;
                }
                if (systemClock && quietOpenWord != word)
                {
                    quietUntilWaitEnds(word);
                }
                return reject();
            }
            if (state == HALF_OPEN)
            {
                if (maxWaitInHalfOpenMs > 0 && halfOpenExpired(word, clock.nanoTime()))
                {
                    leaveHalfOpenAfterMaxWait(word);
                    word = buffer.getLongVolatile(STATE_OFFSET);
                    continue;
                }
                if (payload(word) > 0)
                {
                    if (buffer.compareAndSetLong(STATE_OFFSET, word, word - (1L << PAYLOAD_SHIFT)))
                    {
                        return true;
                    }
                    word = buffer.getLongVolatile(STATE_OFFSET);
                    continue;
                }
                return reject();
            }
            return reject();
        }
    }

    private boolean reject()
    {
        buffer.getAndAddLong(stripe() + CALLS_NOT_PERMITTED_OFFSET, 1);
        final CircuitBreakerListener[] current = listeners;
        if (current.length != 0)
        {
            publishNotPermitted(current);
        }
        return false;
    }

    private boolean rejectQuietly(final long word)
    {
        final long before = buffer.getAndAddLong(stripe() + CALLS_NOT_PERMITTED_OFFSET, 1);
        final CircuitBreakerListener[] current = listeners;
        if (current.length != 0)
        {
            publishNotPermitted(current);
        }
        if ((before & QUIET_CHECK_MASK) == QUIET_CHECK_MASK)
        {
            // Every so often a rejection checks the clock anyway, so a late scheduler thread delays HALF_OPEN by at
            // most this many rejections of a busy breaker.
            checkQuietWait(word);
        }
        return false;
    }

    /**
     * Marks an OPEN word whose wait is not over as quiet, and has the scheduler thread clear the mark once the wait
     * ends (every mark is followed by its own clearing task, so a mark made late by a slow thread is cleared too).
     * Allocates (the task): once per OPEN state per process.
     */
    private void quietUntilWaitEnds(final long word)
    {
        quietOpenWord = word;
        scheduleQuietCheck(word, (payload(word) - relativeMillis(clock.nanoTime()) + 1) * NANOS_PER_MILLI);
    }

    private void scheduleQuietCheck(final long word, final long delayNs)
    {
        TransitionScheduler.schedule(() ->
        {
            if (quietOpenWord == word)
            {
                final long left = payload(word) - relativeMillis(clock.nanoTime());
                if (left < 0)
                {
                    quietOpenWord = 0;
                }
                else
                {
                    scheduleQuietCheck(word, (left + 1) * NANOS_PER_MILLI);
                }
            }
        }, delayNs);
    }

    private void checkQuietWait(final long word)
    {
        if (relativeMillis(clock.nanoTime()) > payload(word) && quietOpenWord == word)
        {
            quietOpenWord = 0;
        }
    }

    private int stripe()
    {
        @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same number
        final long threadId = Thread.currentThread().getId();
        return callTotals + (int)((threadId + STRIPE_SALT) & (CALL_STRIPES - 1)) * CALL_STRIPE_LENGTH;
    }

    private void publishNotPermitted(final CircuitBreakerListener[] current)
    {
        for (final CircuitBreakerListener listener : current)
        {
            try
            {
                listener.onCallNotPermitted(name);
            }
            catch (final RuntimeException ignore)
            {
                // A listener cannot break the call.
            }
        }
    }

    private void record(final long durationNs, final boolean failed)
    {
        final boolean slow = durationNs > slowCallNs;
        if (slow)
        {
            for (final CircuitBreakerListener listener : listeners)
            {
                try
                {
                    listener.onSlowCall(name, durationNs);
                }
                catch (final RuntimeException ignore)
                {
                    // A listener cannot break the call.
                }
            }
        }
        // Totals over the breaker's life, in every state: one get-and-add on this thread's stripe (two when slow).
        // Except a success that an in-process time window records: its bucket is its record (see windowSuccesses).
        final int stripe = stripe();
        final long word = buffer.getLongVolatile(STATE_OFFSET);
        final int state = stateCode(word);
        final boolean windowed = state == CLOSED || state == METRICS_ONLY;
        final boolean inBucket = successWords && windowed && !failed;
        final long before = inBucket ? 0 :
            buffer.getAndAddLong(stripe + (failed ? CALLS_FAILED_OFFSET : CALLS_SUCCESSFUL_OFFSET), 1);
        if (slow)
        {
            buffer.getAndAddLong(stripe + CALLS_SLOW_OFFSET, 1);
        }
        final int outcome = PRESENT | (failed ? FAILED : 0) | (slow ? SLOW : 0);
        if (windowed)
        {
            if (countBased && outcome == PRESENT &&
                buffer.getLongVolatile(CLOSED_WINDOW_OFFSET + WINDOW_COUNTERS_OFFSET) ==
                emptyCounters(generation(word)) + windowSize)
            {
                // A full window of fast successes only: this fast success would evict one and take its place,
                // leaving counts, rates and decision unchanged, and as every slot holds the same outcome, which one
                // it replaces does not matter either. So it writes nothing (no shared cache line changes hands:
                // the healthy steady state scales with threads); the window's order resumes with the next other
                // outcome, which takes the full path below.
                return;
            }
            int result = NOT_RECORDED;
            if (!countBased)
            {
                if (systemClock && !inBucket && (before & SECOND_REFRESH_MASK) == SECOND_REFRESH_MASK)
                {
                    // Now and then a call reads the clock itself, in case the scheduler thread is late.
                    SystemSeconds.refresh();
                }
                if (outcome == PRESENT)
                {
                    result = recordTimeSuccessQuickly(word);
                }
            }
            if (result == NOT_RECORDED)
            {
                result = countBased ?
                    recordInCountWindow(CLOSED_WINDOW_OFFSET, windowSize, word, outcome, minimumCallsClosed) :
                    recordInTimeWindow(word, outcome);
            }
            if (inBucket && result == DROPPED)
            {
                // Not in any bucket: the stripe counts it after all.
                buffer.getAndAddLong(stripe + CALLS_SUCCESSFUL_OFFSET, 1);
            }
            if (result >= FAILURE_RATE_EXCEEDED)
            {
                if (state == CLOSED)
                {
                    openFromClosed(word, result);
                }
                else
                {
                    publishMetricsOnlyExceeded(word, result);
                }
            }
        }
        else if (state == HALF_OPEN)
        {
            final int result = recordInCountWindow(halfOpenWindow, permitted, word, outcome, minimumCallsHalfOpen);
            if (result >= FAILURE_RATE_EXCEEDED)
            {
                leaveHalfOpen(word, OPEN);
            }
            else if (result == BELOW_THRESHOLDS)
            {
                leaveHalfOpen(word, CLOSED);
            }
        }
        // OPEN, FORCED_OPEN and DISABLED record nothing: their windows are never read again.
    }

    private int recordInCountWindow(
        final int window, final int size, final long word, final int outcome, final int minimumCalls)
    {
        final int generation = generation(word);
        final long sequence = buffer.getAndAddLong(window + WINDOW_SEQUENCE_OFFSET, 1) & SEQUENCE_MASK;
        final int slot = window + WINDOW_SLOTS_OFFSET + (int)(sequence % size) * Long.BYTES;
        final long mine = sequence << SLOT_SEQUENCE_SHIFT | (long)generation << 3 | outcome;
        long delta = contribution(outcome);
        while (true)
        {
            // A thread that slept through a state change must not write its stale outcome into the new window.
            if (generation(buffer.getLongVolatile(STATE_OFFSET)) != generation)
            {
                return DROPPED;
            }
            final long old = buffer.getLongVolatile(slot);
            final long oldSequence = old >>> SLOT_SEQUENCE_SHIFT;
            if (old != 0 && ((oldSequence - sequence) & SEQUENCE_MASK) != 0 &&
                ((oldSequence - sequence) & SEQUENCE_MASK) < (1L << (SLOT_SEQUENCE_BITS - 1)))
            {
                // A call one window later already took this slot: this call has left the window before arriving.
                delta = 0;
                break;
            }
            if (buffer.compareAndSetLong(slot, old, mine))
            {
                // The outcome this call evicts leaves the counters, if it belongs to this generation's window.
                if (old != 0 && (int)((old >>> 3) & GENERATION_MASK) == generation)
                {
                    delta -= contribution((int)(old & 7));
                }
                break;
            }
        }
        final int counters = window + WINDOW_COUNTERS_OFFSET;
        final long tag = generation;
        while (true)
        {
            final long current = buffer.getLongVolatile(counters);
            final long next;
            if (current >>> COUNTER_TAG_SHIFT == tag)
            {
                next = current + delta;
            }
            else
            {
                if (generation(buffer.getLongVolatile(STATE_OFFSET)) != generation)
                {
                    return DROPPED;
                }
                // The first call of a new generation starts its window: nobody else clears it.
                next = emptyCounters(generation) + delta;
            }
            if (buffer.compareAndSetLong(counters, current, next))
            {
                return evaluate(field(next, 0), field(next, COUNTER_FIELD_BITS), field(next, 2 * COUNTER_FIELD_BITS),
                    minimumCalls);
            }
        }
    }

    private static long contribution(final int outcome)
    {
        return (outcome & PRESENT) | (long)((outcome >>> 1) & 1) << COUNTER_FIELD_BITS |
            (long)((outcome >>> 2) & 1) << (2 * COUNTER_FIELD_BITS);
    }

    private static long field(final long counters, final int shift)
    {
        return ((counters >>> shift) & FIELD_MASK) - COUNTER_BIAS;
    }

    private long currentSecond()
    {
        return systemClock ? SystemSeconds.now() : Math.floorDiv(clock.nanoTime(), NANOS_PER_SECOND);
    }

    /**
     * A success in a time window whose head is this second: one compare-and-set on the head bucket's total (its
     * counts join the running totals when the head moves on). It is evaluated only while the window is below its
     * minimum number of calls: above it a success only lowers the rates, and every roll-over (which can raise
     * them, as calls leave) is made by a call that evaluates.
     *
     * @return the evaluation, {@link #BELOW_THRESHOLDS} when none was needed, or {@link #NOT_RECORDED} when the
     *         call must take the full path.
     */
    private int recordTimeSuccessQuickly(final long word)
    {
        final int generation = generation(word);
        final long second = currentSecond();
        if (buffer.getLongVolatile(TIME_HEAD) != (second << 12 | generation))
        {
            return NOT_RECORDED;
        }
        final int offset = timeBucket(second) + BUCKET_TOTAL_OFFSET;
        final long bucket = buffer.getLongVolatile(offset);
        if ((bucket & ~COUNT_MASK) != (PENDING | stamp(second, generation) << 32) ||
            (bucket & COUNT_MASK) == COUNT_MASK || !buffer.compareAndSetLong(offset, bucket, bucket + 1))
        {
            return NOT_RECORDED;
        }
        if (successWords && systemClock && ((bucket + 1) & SECOND_REFRESH_MASK) == 0)
        {
            // Now and then a call reads the clock itself, in case the scheduler thread is late.
            SystemSeconds.refresh();
        }
        // (With success words the totals hold successes only: at the minimum, the window is at it too.)
        if (timeTotal(TIME_TOTAL, generation) + (bucket & COUNT_MASK) >= minimumCallsClosed)
        {
            return BELOW_THRESHOLDS;
        }
        return evaluateTimeWindow(generation);
    }

    private int recordInTimeWindow(final long word, final int outcome)
    {
        final int generation = generation(word);
        final long second = currentSecond();
        if (!advanceHead(second, generation))
        {
            return DROPPED;
        }
        final int bucket = timeBucket(second);
        final long stamp = stamp(second, generation);
        final boolean failedCall = (outcome & FAILED) != 0;
        if ((!successWords || !failedCall) &&
            !addToBucket(bucket + BUCKET_TOTAL_OFFSET, TIME_TOTAL, second, stamp, generation))
        {
            return DROPPED;
        }
        if (failedCall && !addToBucket(bucket + BUCKET_FAILED_OFFSET, TIME_FAILED, second, stamp, generation) &&
            successWords)
        {
            return DROPPED;
        }
        if ((outcome & SLOW) != 0)
        {
            addToBucket(bucket + BUCKET_SLOW_OFFSET, TIME_SLOW, second, stamp, generation);
        }
        return evaluateTimeWindow(generation);
    }

    /**
     * Evaluates the time window: the running totals (every second but the head's) plus the head bucket's pending
     * counts.
     */
    private int evaluateTimeWindow(final int generation)
    {
        long total = timeTotal(TIME_TOTAL, generation);
        long failedCalls = timeTotal(TIME_FAILED, generation);
        long slowCalls = timeTotal(TIME_SLOW, generation);
        final long head = buffer.getLongVolatile(TIME_HEAD);
        if ((int)(head & GENERATION_MASK) == generation)
        {
            final long headSecond = head >> 12;
            final int bucket = timeBucket(headSecond);
            final long stamp = stamp(headSecond, generation);
            total += pendingCount(bucket + BUCKET_TOTAL_OFFSET, stamp);
            failedCalls += pendingCount(bucket + BUCKET_FAILED_OFFSET, stamp);
            slowCalls += pendingCount(bucket + BUCKET_SLOW_OFFSET, stamp);
        }
        if (successWords)
        {
            total += failedCalls;
        }
        return evaluate(total, failedCalls, slowCalls, minimumCallsClosed);
    }

    private long pendingCount(final int offset, final long stamp)
    {
        final long word = buffer.getLongVolatile(offset);
        return word < 0 && ((word >>> 32) & STAMP_MASK) == stamp ? word & COUNT_MASK : 0;
    }

    /**
     * Moves the window's head to this second if it is behind. The thread that moves it adds the old head's pending
     * counts to the running totals, then empties the buckets of the seconds it passes (the new head's as pending);
     * each count enters and leaves the totals exactly once, because every bucket word changes by compare-and-set.
     *
     * @return false when this call's second has already left the window or the generation changed.
     */
    private boolean advanceHead(final long second, final int generation)
    {
        while (true)
        {
            final long head = buffer.getLongVolatile(TIME_HEAD);
            final boolean sameGeneration = (int)(head & GENERATION_MASK) == generation;
            final long headSecond = head >> 12;
            if (sameGeneration && headSecond >= second)
            {
                return headSecond - second < windowSize;
            }
            if (generation(buffer.getLongVolatile(STATE_OFFSET)) != generation)
            {
                return false;
            }
            if (buffer.compareAndSetLong(TIME_HEAD, head, second << 12 | generation))
            {
                if (sameGeneration)
                {
                    final int old = timeBucket(headSecond);
                    final long oldStamp = stamp(headSecond, generation);
                    settle(old + BUCKET_TOTAL_OFFSET, TIME_TOTAL, oldStamp, generation);
                    settle(old + BUCKET_FAILED_OFFSET, TIME_FAILED, oldStamp, generation);
                    settle(old + BUCKET_SLOW_OFFSET, TIME_SLOW, oldStamp, generation);
                    for (long s = Math.max(headSecond + 1, second - windowSize + 1); s <= second; s++)
                    {
                        final int bucket = timeBucket(s);
                        final long stamp = stamp(s, generation) | (s == second ? PENDING >>> 32 : 0);
                        empty(bucket + BUCKET_TOTAL_OFFSET, TIME_TOTAL, stamp, generation);
                        empty(bucket + BUCKET_FAILED_OFFSET, TIME_FAILED, stamp, generation);
                        empty(bucket + BUCKET_SLOW_OFFSET, TIME_SLOW, stamp, generation);
                    }
                }
                return true;
            }
        }
    }

    private int timeBucket(final long second)
    {
        return timeBucket(windowSize, second);
    }

    private static int timeBucket(final int windowSize, final long second)
    {
        return CLOSED_WINDOW_OFFSET + TIME_BUCKETS_OFFSET +
            (int)Math.floorMod(second, (long)windowSize) * BUCKET_LENGTH;
    }

    private static long stamp(final long second, final int generation)
    {
        return (second & SECOND_MASK) << 12 | generation;
    }

    private static long bucketCount(final AtomicBuffer buffer, final int offset, final long expectedStamp)
    {
        final long word = buffer.getLongVolatile(offset);
        return ((word >>> 32) & STAMP_MASK) == expectedStamp ? word & COUNT_MASK : 0;
    }

    /**
     * Adds a bucket's pending counts to the running totals (once: the flag is cleared by compare-and-set).
     */
    private void settle(final int offset, final int total, final long stamp, final int generation)
    {
        while (true)
        {
            final long word = buffer.getLongVolatile(offset);
            if (word >= 0 || ((word >>> 32) & STAMP_MASK) != stamp)
            {
                return;
            }
            if (buffer.compareAndSetLong(offset, word, word & ~PENDING))
            {
                addToTotal(total, word & COUNT_MASK, generation);
                return;
            }
        }
    }

    /**
     * Restamps a bucket word for a new second (pending when {@code stampWithFlag} has the flag); the count it held
     * leaves the running totals if it was in them.
     */
    private void empty(final int offset, final int total, final long stampWithFlag, final int generation)
    {
        while (true)
        {
            final long word = buffer.getLongVolatile(offset);
            final long found = word >>> 32;
            if ((found & STAMP_MASK) == (stampWithFlag & STAMP_MASK))
            {
                return;
            }
            if (buffer.compareAndSetLong(offset, word, stampWithFlag << 32))
            {
                retire(total, word);
                if (word >= 0 && (int)(found & GENERATION_MASK) == generation)
                {
                    addToTotal(total, -(word & COUNT_MASK), generation);
                }
                return;
            }
        }
    }

    private boolean addToBucket(
        final int offset, final int total, final long second, final long stamp, final int generation)
    {
        while (true)
        {
            final long word = buffer.getLongVolatile(offset);
            final long found = word >>> 32;
            if ((found & STAMP_MASK) == stamp)
            {
                if ((word & COUNT_MASK) == COUNT_MASK)
                {
                    // Full (2^32 - 1 calls in one second): dropped; a success word reports it so the stripe counts it.
                    return !successWords || total != TIME_TOTAL;
                }
                if (buffer.compareAndSetLong(offset, word, word + 1))
                {
                    if (word >= 0)
                    {
                        // Settled: this second is no longer the head, so the call goes to the totals at once.
                        addToTotal(total, 1, generation);
                    }
                    return true;
                }
            }
            else
            {
                if (generation(buffer.getLongVolatile(STATE_OFFSET)) != generation)
                {
                    return false;
                }
                // First call of this second here: pending if its second is the head (settled when the head moves
                // on), else straight into the totals; the stale count it replaces leaves them if it was in them.
                final boolean pending = buffer.getLongVolatile(TIME_HEAD) == (second << 12 | generation);
                if (buffer.compareAndSetLong(offset, word, (pending ? PENDING : 0) | stamp << 32 | 1))
                {
                    retire(total, word);
                    long delta = pending ? 0 : 1;
                    if (word >= 0 && (int)(found & GENERATION_MASK) == generation)
                    {
                        delta -= word & COUNT_MASK;
                    }
                    if (delta != 0)
                    {
                        addToTotal(total, delta, generation);
                    }
                    return true;
                }
            }
        }
    }

    /**
     * With success words, the successes of a restamped bucket word leave the buckets: they join the retired ones.
     */
    private void retire(final int total, final long oldWord)
    {
        if (successWords && total == TIME_TOTAL && (oldWord & COUNT_MASK) != 0)
        {
            retiredSuccesses.getAndAdd(oldWord & COUNT_MASK);
        }
    }

    private void addToTotal(final int offset, final long delta, final int generation)
    {
        while (true)
        {
            final long word = buffer.getLongVolatile(offset);
            final long next;
            if ((int)(word & GENERATION_MASK) == generation)
            {
                next = word + (delta << 12);
            }
            else
            {
                if (generation(buffer.getLongVolatile(STATE_OFFSET)) != generation)
                {
                    return;
                }
                next = delta << 12 | generation;
            }
            if (buffer.compareAndSetLong(offset, word, next))
            {
                return;
            }
        }
    }

    private long timeTotal(final int offset, final int generation)
    {
        final long word = buffer.getLongVolatile(offset);
        return (int)(word & GENERATION_MASK) == generation ? Math.max(0, word >> 12) : 0;
    }

    private int evaluate(final long total, final long failed, final long slow, final int minimumCalls)
    {
        if (total <= 0 || total < minimumCalls)
        {
            return BELOW_MINIMUM;
        }
        // Same arithmetic as Resilience4j (count * 100.0f / total), so the same call crosses the threshold.
        final boolean failureExceeded = failed * 100.0f / total >= failureRateThreshold;
        final boolean slowExceeded = slow * 100.0f / total >= slowCallRateThreshold;
        if (failureExceeded)
        {
            return slowExceeded ? BOTH_EXCEEDED : FAILURE_RATE_EXCEEDED;
        }
        return slowExceeded ? SLOW_CALL_RATE_EXCEEDED : BELOW_THRESHOLDS;
    }

    private void openFromClosed(final long word, final int result)
    {
        final long now = clock.nanoTime();
        final int attempt = attempts(word) + 1;
        final long next = stateWord(OPEN, attempt, generation(word) + 1, waitEndMillis(now, attempt));
        if (buffer.compareAndSetLong(STATE_OFFSET, word, next))
        {
            publishThresholdsExceeded(result, generation(word));
            afterTransition(CLOSED, next, now);
        }
    }

    private void leaveHalfOpen(final long seen, final int target)
    {
        final long now = clock.nanoTime();
        while (true)
        {
            final long word = buffer.getLongVolatile(STATE_OFFSET);
            if (stateCode(word) != HALF_OPEN || generation(word) != generation(seen))
            {
                return;
            }
            final long next = target == OPEN ?
                stateWord(OPEN, attempts(word) + 1, generation(word) + 1, waitEndMillis(now, attempts(word) + 1)) :
                stateWord(CLOSED, 0, generation(word) + 1, 0);
            if (buffer.compareAndSetLong(STATE_OFFSET, word, next))
            {
                afterTransition(HALF_OPEN, next, now);
                return;
            }
        }
    }

    private void leaveHalfOpenAfterMaxWait(final long seen)
    {
        leaveHalfOpen(seen, config.transitionToStateAfterWaitDuration() == CircuitBreakerState.CLOSED ? CLOSED : OPEN);
    }

    private boolean halfOpenExpired(final long word, final long now)
    {
        final long since = buffer.getLongVolatile(HALF_OPEN_SINCE_OFFSET);
        if ((int)(since >>> 52) != generation(word))
        {
            return false;
        }
        return relativeMillis(now) - (since & SINCE_MASK) >= maxWaitInHalfOpenMs;
    }

    private void transitionTo(final int target)
    {
        final long now = clock.nanoTime();
        while (true)
        {
            final long word = buffer.getLongVolatile(STATE_OFFSET);
            final int from = stateCode(word);
            if (target == HALF_OPEN && (from == CLOSED || from == METRICS_ONLY) || target == OPEN &&
                from == METRICS_ONLY)
            {
                throw new IllegalStateTransitionException(
                    name, CircuitBreakerState.ofCode(from), CircuitBreakerState.ofCode(target));
            }
            final int generation = generation(word) + 1;
            final long next;
            switch (target)
            {
                case OPEN:
                    next = stateWord(OPEN, attempts(word) + 1, generation, waitEndMillis(now, attempts(word) + 1));
                    break;
                case HALF_OPEN:
                    next = stateWord(HALF_OPEN, attempts(word), generation, permitted);
                    break;
                case FORCED_OPEN:
                    next = stateWord(FORCED_OPEN, attempts(word) + 1, generation, 0);
                    break;
                default:
                    next = stateWord(target, 0, generation, 0);
                    break;
            }
            if (buffer.compareAndSetLong(STATE_OFFSET, word, next))
            {
                afterTransition(from, next, now);
                return;
            }
        }
    }

    private long waitEndMillis(final long now, final int attempt)
    {
        final long wait = config.waitIntervalFunctionInOpenState().waitMillis(
            Math.min(attempt, CircuitBreakerDescriptor.MAX_ATTEMPTS));
        return relativeMillis(now) + Math.max(1, Math.min(wait, CircuitBreakerConfig.MAX_WAIT_MILLIS));
    }

    private long relativeMillis(final long now)
    {
        return Math.floorDiv(now - baseNs, NANOS_PER_MILLI);
    }

    private void afterTransition(final int from, final long next, final long now)
    {
        final int to = stateCode(next);
        final int generation = generation(next);
        if (to == HALF_OPEN)
        {
            buffer.putLongRelease(HALF_OPEN_SINCE_OFFSET, (long)generation << 52 | (relativeMillis(now) & SINCE_MASK));
            if (maxWaitInHalfOpenMs > 0)
            {
                scheduleHalfOpenExit(generation, maxWaitInHalfOpenMs * NANOS_PER_MILLI);
            }
        }
        else if (to == OPEN && automaticOpenToHalfOpen)
        {
            scheduleOpenExit(generation, (payload(next) - relativeMillis(now) + 1) * NANOS_PER_MILLI);
        }
        if (from != to)
        {
            final CircuitBreakerState fromState = CircuitBreakerState.ofCode(from);
            final CircuitBreakerState toState = CircuitBreakerState.ofCode(to);
            for (final CircuitBreakerListener listener : listeners)
            {
                try
                {
                    listener.onStateTransition(name, fromState, toState);
                }
                catch (final RuntimeException ignore)
                {
                    // A listener cannot break the call.
                }
            }
        }
    }

    private void scheduleOpenExit(final int generation, final long delayNs)
    {
        TransitionScheduler.schedule(() -> runTimedTask(() ->
        {
            final long word = buffer.getLongVolatile(STATE_OFFSET);
            if (stateCode(word) != OPEN || generation(word) != generation)
            {
                return;
            }
            final long now = clock.nanoTime();
            final long left = payload(word) - relativeMillis(now);
            if (left < 0)
            {
                final long next = stateWord(HALF_OPEN, attempts(word), generation + 1, permitted);
                if (buffer.compareAndSetLong(STATE_OFFSET, word, next))
                {
                    afterTransition(OPEN, next, now);
                }
            }
            else
            {
                scheduleOpenExit(generation, (left + 1) * NANOS_PER_MILLI);
            }
        }), delayNs);
    }

    private void scheduleHalfOpenExit(final int generation, final long delayNs)
    {
        TransitionScheduler.schedule(() -> runTimedTask(() ->
        {
            final long word = buffer.getLongVolatile(STATE_OFFSET);
            if (stateCode(word) != HALF_OPEN || generation(word) != generation)
            {
                return;
            }
            if (halfOpenExpired(word, clock.nanoTime()))
            {
                leaveHalfOpenAfterMaxWait(word);
            }
            else
            {
                scheduleHalfOpenExit(generation, NANOS_PER_MILLI);
            }
        }), delayNs);
    }

    private long[] closedCounts(final int generation)
    {
        return closedCounts(buffer, countBased, successWords, windowSize,
            countBased ? 0 : currentSecond() * NANOS_PER_SECOND, generation);
    }

    private static long[] closedCounts(final AtomicBuffer buffer, final boolean countBased,
        final boolean successWords, final int windowSize, final long nowNs, final int generation)
    {
        if (countBased)
        {
            return countWindowCounts(buffer, CLOSED_WINDOW_OFFSET, generation);
        }
        final long second = Math.floorDiv(nowNs, NANOS_PER_SECOND);
        final long[] counts = new long[3];
        for (int i = 0; i < windowSize; i++)
        {
            final long s = second - i;
            final int offset = timeBucket(windowSize, s);
            final long expected = stamp(s, generation);
            counts[0] += bucketCount(buffer, offset + BUCKET_TOTAL_OFFSET, expected);
            counts[1] += bucketCount(buffer, offset + BUCKET_FAILED_OFFSET, expected);
            counts[2] += bucketCount(buffer, offset + BUCKET_SLOW_OFFSET, expected);
        }
        if (successWords)
        {
            counts[0] += counts[1];
        }
        return counts;
    }

    private static long[] countWindowCounts(final AtomicBuffer buffer, final int window, final int generation)
    {
        final long counters = buffer.getLongVolatile(window + WINDOW_COUNTERS_OFFSET);
        final long[] counts = new long[3];
        if (counters >>> COUNTER_TAG_SHIFT == generation)
        {
            counts[0] = Math.max(0, field(counters, 0));
            counts[1] = Math.max(0, field(counters, COUNTER_FIELD_BITS));
            counts[2] = Math.max(0, field(counters, 2 * COUNTER_FIELD_BITS));
        }
        return counts;
    }

    private void publishThresholdsExceeded(final int result, final int generation)
    {
        final CircuitBreakerListener[] current = listeners;
        if (current.length == 0)
        {
            return;
        }
        final long[] counts = closedCounts(generation);
        final float total = Math.max(1, counts[0]);
        for (final CircuitBreakerListener listener : current)
        {
            try
            {
                if (result != SLOW_CALL_RATE_EXCEEDED)
                {
                    listener.onFailureRateExceeded(name, counts[1] * 100.0f / total);
                }
                if (result != FAILURE_RATE_EXCEEDED)
                {
                    listener.onSlowCallRateExceeded(name, counts[2] * 100.0f / total);
                }
            }
            catch (final RuntimeException ignore)
            {
                // A listener cannot break the call.
            }
        }
    }

    private void publishMetricsOnlyExceeded(final long word, final int result)
    {
        // Like Resilience4j: once per stay in METRICS_ONLY for each kind of threshold.
        final int generation = generation(word);
        final boolean failure = result != SLOW_CALL_RATE_EXCEEDED &&
            failureEventGeneration.getAndSet(generation) != generation;
        final boolean slow = result != FAILURE_RATE_EXCEEDED && slowEventGeneration.getAndSet(generation) != generation;
        if ((failure || slow) && listeners.length != 0)
        {
            publishThresholdsExceeded(failure && slow ? BOTH_EXCEEDED : failure ? FAILURE_RATE_EXCEEDED :
                SLOW_CALL_RATE_EXCEEDED, generation);
        }
    }

    private void publishSuccess(final CircuitBreakerListener[] current, final long durationNs)
    {
        for (final CircuitBreakerListener listener : current)
        {
            try
            {
                listener.onSuccess(name, durationNs);
            }
            catch (final RuntimeException ignore)
            {
                // A listener cannot break the call.
            }
        }
    }

    private void publishError(final CircuitBreakerListener[] current, final long durationNs, final Throwable error)
    {
        for (final CircuitBreakerListener listener : current)
        {
            try
            {
                listener.onError(name, durationNs, error);
            }
            catch (final RuntimeException ignore)
            {
                // A listener cannot break the call.
            }
        }
    }
}
