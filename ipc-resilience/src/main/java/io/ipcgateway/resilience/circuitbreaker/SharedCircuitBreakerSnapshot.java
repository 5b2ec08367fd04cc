package io.ipcgateway.resilience.circuitbreaker;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.resilience.shared.SharedStateKind;
import io.ipcgateway.resilience.shared.SharedStateView;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.BASE_NS_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.FAILURE_RATE_THRESHOLD_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.MINIMUM_CALLS_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.PERMITTED_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.SLOW_CALL_DURATION_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.SLOW_CALL_RATE_THRESHOLD_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.STATE_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.WINDOW_SIZE_OFFSET;
import static io.ipcgateway.resilience.circuitbreaker.CircuitBreakerDescriptor.WINDOW_TYPE_OFFSET;

/**
 * What a shared breaker's file says, read from outside the processes that use it (through a read-only
 * {@link SharedStateView}): state, window and totals, as {@link CircuitBreaker#metrics()} reports them in the
 * processes, and the settings that decide (minimum number of calls, thresholds), which the file holds for
 * observers. Below the minimum number of calls the rates of {@link #metrics()} are -1 (not yet meaningful), as in
 * the processes and in Resilience4j.
 */
public final class SharedCircuitBreakerSnapshot
{
    private final String name;
    private final long creatorPid;
    private final SlidingWindowType windowType;
    private final int windowSize;
    private final int attempts;
    private final long openWaitLeftMs;
    private final int halfOpenPermitsLeft;
    private final CircuitBreakerMetrics metrics;
    private final int minimumNumberOfCalls;
    private final float failureRateThreshold;
    private final float slowCallRateThreshold;
    private final long slowCallDurationThresholdNs;

    private SharedCircuitBreakerSnapshot(final String name, final long creatorPid, final SlidingWindowType windowType,
        final int windowSize, final int attempts, final long openWaitLeftMs, final int halfOpenPermitsLeft,
        final CircuitBreakerMetrics metrics, final UnsafeBuffer body)
    {
        this.minimumNumberOfCalls = body.getInt(MINIMUM_CALLS_OFFSET);
        this.failureRateThreshold = body.getFloat(FAILURE_RATE_THRESHOLD_OFFSET);
        this.slowCallRateThreshold = body.getFloat(SLOW_CALL_RATE_THRESHOLD_OFFSET);
        this.slowCallDurationThresholdNs = body.getLong(SLOW_CALL_DURATION_OFFSET);
        this.name = name;
        this.creatorPid = creatorPid;
        this.windowType = windowType;
        this.windowSize = windowSize;
        this.attempts = attempts;
        this.openWaitLeftMs = openWaitLeftMs;
        this.halfOpenPermitsLeft = halfOpenPermitsLeft;
        this.metrics = metrics;
    }

    /**
     * Reads a breaker's file. Reads only: the view is read-only memory.
     *
     * @param view  a view of a {@link SharedStateKind#CIRCUIT_BREAKER} file.
     * @param nowNs {@code System.nanoTime()} now (the clock shared breakers use).
     * @return the snapshot.
     * @throws ChannelFileException naming the file when the body does not describe a valid breaker.
     */
    public static SharedCircuitBreakerSnapshot read(final SharedStateView view, final long nowNs)
    {
        if (view.kind() != SharedStateKind.CIRCUIT_BREAKER)
        {
            throw new ChannelFileException(view.path(), "not a circuit breaker: kind=" + view.kind());
        }
        final UnsafeBuffer body = view.body();
        if (body.capacity() < CircuitBreakerDescriptor.CLOSED_WINDOW_OFFSET)
        {
            throw new ChannelFileException(view.path(), "breaker body too short: bodyLength=" + body.capacity());
        }
        final int type = body.getInt(WINDOW_TYPE_OFFSET);
        final int size = body.getInt(WINDOW_SIZE_OFFSET);
        final int permitted = body.getInt(PERMITTED_OFFSET);
        final SlidingWindowType[] types = SlidingWindowType.values();
        final int maxSize = type == SlidingWindowType.TIME_BASED.ordinal() ?
            CircuitBreakerConfig.MAX_TIME_WINDOW_SECONDS : CircuitBreakerConfig.MAX_WINDOW_SIZE;
        final int minimum = body.getInt(MINIMUM_CALLS_OFFSET);
        if (type < 0 || type >= types.length || size < 1 || size > maxSize || permitted < 1 ||
            permitted > CircuitBreakerConfig.MAX_WINDOW_SIZE || minimum < 1)
        {
            throw new ChannelFileException(view.path(), "invalid breaker settings in the file: windowType=" + type
                + " windowSize=" + size + " permitted=" + permitted + " minimumNumberOfCalls=" + minimum);
        }
        final boolean countBased = types[type] == SlidingWindowType.COUNT_BASED;
        final int expectedLength = CircuitBreakerDescriptor.length(countBased, size, permitted);
        if (body.capacity() != expectedLength)
        {
            throw new ChannelFileException(view.path(), "breaker body length mismatch: bodyLength=" + body.capacity()
                + " expected=" + expectedLength + " for windowType=" + types[type] + " windowSize=" + size
                + " permitted=" + permitted);
        }
        final int halfOpenWindow = CircuitBreakerDescriptor.CLOSED_WINDOW_OFFSET +
            CircuitBreakerDescriptor.closedWindowLength(countBased, size);
        final CircuitBreakerMetrics metrics = CircuitBreaker.metricsOf(body, countBased, size, halfOpenWindow,
            CircuitBreakerDescriptor.callTotalsOffset(countBased, size, permitted),
            countBased ? Math.min(minimum, size) : minimum, Math.min(minimum, permitted), nowNs);
        final long word = body.getLongVolatile(STATE_OFFSET);
        final int state = CircuitBreakerDescriptor.stateCode(word);
        final long payload = CircuitBreakerDescriptor.payload(word);
        long openWaitLeftMs = -1;
        if (state == CircuitBreaker.OPEN)
        {
            final long nowMs = Math.floorDiv(nowNs - body.getLongVolatile(BASE_NS_OFFSET), 1_000_000L);
            openWaitLeftMs = Math.max(0, payload - nowMs);
        }
        return new SharedCircuitBreakerSnapshot(view.name(), view.creatorPid(), types[type], size,
            CircuitBreakerDescriptor.attempts(word), openWaitLeftMs,
            state == CircuitBreaker.HALF_OPEN ? (int)Math.min(payload, permitted) : -1, metrics, body);
    }

    /**
     * The breaker's name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The pid of the process that created the file.
     *
     * @return the pid.
     */
    public long creatorPid()
    {
        return creatorPid;
    }

    /**
     * The CLOSED window's type.
     *
     * @return the type.
     */
    public SlidingWindowType windowType()
    {
        return windowType;
    }

    /**
     * The CLOSED window's size: calls, or seconds.
     *
     * @return the size.
     */
    public int windowSize()
    {
        return windowSize;
    }

    /**
     * Openings counted since the last CLOSED (the attempt of the wait function).
     *
     * @return the attempts.
     */
    public int attempts()
    {
        return attempts;
    }

    /**
     * In OPEN, the milliseconds left before a call may move it to HALF_OPEN; -1 in other states.
     *
     * @return the wait left.
     */
    public long openWaitLeftMs()
    {
        return openWaitLeftMs;
    }

    /**
     * In HALF_OPEN, the trial permits not yet taken; -1 in other states.
     *
     * @return the permits left.
     */
    public int halfOpenPermitsLeft()
    {
        return halfOpenPermitsLeft;
    }

    /**
     * The configured minimum number of calls before the window's rates count (a count window uses at most its size,
     * HALF_OPEN at most its permitted calls, as the processes do).
     *
     * @return the minimum.
     */
    public int minimumNumberOfCalls()
    {
        return minimumNumberOfCalls;
    }

    /**
     * The failure rate at or above which the breaker opens.
     *
     * @return percent.
     */
    public float failureRateThreshold()
    {
        return failureRateThreshold;
    }

    /**
     * The slow call rate at or above which the breaker opens.
     *
     * @return percent.
     */
    public float slowCallRateThreshold()
    {
        return slowCallRateThreshold;
    }

    /**
     * Calls longer than this are slow.
     *
     * @return nanoseconds.
     */
    public long slowCallDurationThresholdNs()
    {
        return slowCallDurationThresholdNs;
    }

    /**
     * State, window counts, rates (-1 below the minimum number of calls) and totals.
     *
     * @return the metrics.
     */
    public CircuitBreakerMetrics metrics()
    {
        return metrics;
    }

    @Override
    public String toString()
    {
        return "SharedCircuitBreakerSnapshot{name=" + name + ", creatorPid=" + creatorPid + ", windowType="
            + windowType + ", windowSize=" + windowSize + ", attempts=" + attempts + ", openWaitLeftMs="
            + openWaitLeftMs + ", halfOpenPermitsLeft=" + halfOpenPermitsLeft + ", minimumNumberOfCalls="
            + minimumNumberOfCalls + ", failureRateThreshold=" + failureRateThreshold + ", slowCallRateThreshold="
            + slowCallRateThreshold + ", slowCallDurationThresholdNs=" + slowCallDurationThresholdNs + ", metrics="
            + metrics + '}';
    }
}
