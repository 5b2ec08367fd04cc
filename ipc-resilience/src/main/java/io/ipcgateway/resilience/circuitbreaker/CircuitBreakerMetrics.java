package io.ipcgateway.resilience.circuitbreaker;

/**
 * A snapshot of a breaker's current window and of its totals, taken by {@link CircuitBreaker#metrics()} (allocates;
 * not for the hot path). In OPEN the window is the one that opened the breaker; in FORCED_OPEN and DISABLED an empty
 * one. The totals ({@link #totalSuccessfulCalls()}, {@link #totalFailedCalls()}, {@link #totalSlowCalls()},
 * {@link #notPermittedCalls()}) count over the breaker's life in every state and never go back (not even on
 * {@code reset()}): they are what Prometheus counters need.
 */
public final class CircuitBreakerMetrics
{
    private final CircuitBreakerState state;
    private final int bufferedCalls;
    private final int failedCalls;
    private final int slowCalls;
    private final float failureRate;
    private final float slowCallRate;
    private final long notPermittedCalls;
    private final long totalSuccessfulCalls;
    private final long totalFailedCalls;
    private final long totalSlowCalls;

    CircuitBreakerMetrics(final CircuitBreakerState state, final int bufferedCalls, final int failedCalls,
        final int slowCalls, final int minimumNumberOfCalls, final long notPermittedCalls,
        final long totalSuccessfulCalls, final long totalFailedCalls, final long totalSlowCalls)
    {
        this.totalSuccessfulCalls = totalSuccessfulCalls;
        this.totalFailedCalls = totalFailedCalls;
        this.totalSlowCalls = totalSlowCalls;
        this.state = state;
        this.bufferedCalls = bufferedCalls;
        this.failedCalls = failedCalls;
        this.slowCalls = slowCalls;
        final boolean enough = bufferedCalls > 0 && bufferedCalls >= minimumNumberOfCalls;
        this.failureRate = enough ? failedCalls * 100.0f / bufferedCalls : -1;
        this.slowCallRate = enough ? slowCalls * 100.0f / bufferedCalls : -1;
        this.notPermittedCalls = notPermittedCalls;
    }

    /**
     * The state when the snapshot was taken.
     *
     * @return the state.
     */
    public CircuitBreakerState state()
    {
        return state;
    }

    /**
     * Calls in the window.
     *
     * @return the number.
     */
    public int bufferedCalls()
    {
        return bufferedCalls;
    }

    /**
     * Failed calls in the window.
     *
     * @return the number.
     */
    public int failedCalls()
    {
        return failedCalls;
    }

    /**
     * Successful calls in the window.
     *
     * @return the number.
     */
    public int successfulCalls()
    {
        return bufferedCalls - failedCalls;
    }

    /**
     * Slow calls (successful or failed) in the window.
     *
     * @return the number.
     */
    public int slowCalls()
    {
        return slowCalls;
    }

    /**
     * Failure rate in percent, or -1 below the minimum number of calls (as Resilience4j).
     *
     * @return the rate.
     */
    public float failureRate()
    {
        return failureRate;
    }

    /**
     * Slow-call rate in percent, or -1 below the minimum number of calls.
     *
     * @return the rate.
     */
    public float slowCallRate()
    {
        return slowCallRate;
    }

    /**
     * Calls rejected since the breaker was made (cumulative, unlike Resilience4j's per-state count).
     *
     * @return the number.
     */
    public long notPermittedCalls()
    {
        return notPermittedCalls;
    }

    /**
     * Successful calls reported since the breaker was made, in every state (cumulative).
     *
     * @return the number.
     */
    public long totalSuccessfulCalls()
    {
        return totalSuccessfulCalls;
    }

    /**
     * Failed calls reported since the breaker was made, in every state (cumulative; ignored errors are not
     * counted).
     *
     * @return the number.
     */
    public long totalFailedCalls()
    {
        return totalFailedCalls;
    }

    /**
     * Slow calls reported since the breaker was made, in every state (cumulative; each is also counted as
     * successful or failed).
     *
     * @return the number.
     */
    public long totalSlowCalls()
    {
        return totalSlowCalls;
    }

    @Override
    public String toString()
    {
        return "CircuitBreakerMetrics{state=" + state + ", bufferedCalls=" + bufferedCalls + ", failedCalls="
            + failedCalls + ", slowCalls=" + slowCalls + ", failureRate=" + failureRate + ", slowCallRate="
            + slowCallRate + ", notPermittedCalls=" + notPermittedCalls + ", totalSuccessfulCalls="
            + totalSuccessfulCalls + ", totalFailedCalls=" + totalFailedCalls + ", totalSlowCalls=" + totalSlowCalls
            + '}';
    }
}
