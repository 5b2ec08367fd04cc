package io.ipcgateway.resilience.circuitbreaker;

/**
 * Receives a breaker's events (register with {@link CircuitBreaker#addListener}). Every method has an empty
 * default, so a listener implements only what it needs. Events carry primitives, so publishing allocates nothing;
 * a breaker without listeners pays one array-length check. Listeners run on the calling thread and must be quick;
 * an exception a listener throws is swallowed so it cannot break the call.
 */
public interface CircuitBreakerListener
{
    /**
     * The breaker changed state (not published for X to X).
     *
     * @param name the breaker.
     * @param from the old state.
     * @param to   the new state.
     */
    default void onStateTransition(final String name, final CircuitBreakerState from, final CircuitBreakerState to)
    {
    }

    /**
     * A call succeeded (or failed with an exception that is not recorded).
     *
     * @param name       the breaker.
     * @param durationNs how long the call took.
     */
    default void onSuccess(final String name, final long durationNs)
    {
    }

    /**
     * A call failed and was recorded as a failure.
     *
     * @param name       the breaker.
     * @param durationNs how long the call took.
     * @param error      the exception, or null when a result was counted as a failure by the result predicate.
     */
    default void onError(final String name, final long durationNs, final Throwable error)
    {
    }

    /**
     * A call failed with an ignored exception: not recorded, its permission released.
     *
     * @param name       the breaker.
     * @param durationNs how long the call took.
     * @param error      the exception.
     */
    default void onIgnoredError(final String name, final long durationNs, final Throwable error)
    {
    }

    /**
     * A call was rejected.
     *
     * @param name the breaker.
     */
    default void onCallNotPermitted(final String name)
    {
    }

    /**
     * A call took longer than the slow-call duration threshold (published besides its success or error).
     *
     * @param name       the breaker.
     * @param durationNs how long the call took.
     */
    default void onSlowCall(final String name, final long durationNs)
    {
    }

    /**
     * The failure rate reached the threshold.
     *
     * @param name        the breaker.
     * @param failureRate the rate in percent.
     */
    default void onFailureRateExceeded(final String name, final float failureRate)
    {
    }

    /**
     * The slow-call rate reached the threshold.
     *
     * @param name         the breaker.
     * @param slowCallRate the rate in percent.
     */
    default void onSlowCallRateExceeded(final String name, final float slowCallRate)
    {
    }

    /**
     * The breaker was reset.
     *
     * @param name the breaker.
     */
    default void onReset(final String name)
    {
    }
}
