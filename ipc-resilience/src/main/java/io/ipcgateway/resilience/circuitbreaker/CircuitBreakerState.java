package io.ipcgateway.resilience.circuitbreaker;

/**
 * The states of a circuit breaker, as in Resilience4j. The code is what the state word holds
 * ({@link CircuitBreakerDescriptor}) and what the {@code ipc_circuit_breaker_state} gauge shows.
 */
public enum CircuitBreakerState
{
    /** Calls pass; outcomes are recorded; the breaker opens when a threshold is exceeded. */
    CLOSED(0, true),

    /** Calls are rejected until the wait in OPEN has passed, then the breaker goes HALF_OPEN. */
    OPEN(1, false),

    /** A limited number of trial calls pass; their outcomes decide between CLOSED and OPEN. */
    HALF_OPEN(2, false),

    /** Every call passes and nothing is recorded (set by hand). */
    DISABLED(3, true),

    /** Every call is rejected (set by hand). */
    FORCED_OPEN(4, false),

    /** Every call passes; outcomes are recorded and threshold events published, but the breaker never opens. */
    METRICS_ONLY(5, true);

    private static final CircuitBreakerState[] BY_CODE = values();

    private final int code;
    private final boolean alwaysPermits;

    CircuitBreakerState(final int code, final boolean alwaysPermits)
    {
        this.code = code;
        this.alwaysPermits = alwaysPermits;
    }

    /**
     * The code in the state word and in the state gauge.
     *
     * @return 0 to 5.
     */
    public int code()
    {
        return code;
    }

    /**
     * Whether every call is permitted in this state.
     *
     * @return true for CLOSED, DISABLED and METRICS_ONLY.
     */
    public boolean alwaysPermits()
    {
        return alwaysPermits;
    }

    /**
     * The state of a code.
     *
     * @param code 0 to 5.
     * @return the state.
     * @throws IllegalArgumentException for another code.
     */
    public static CircuitBreakerState ofCode(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
        {
            throw new IllegalArgumentException("state code=" + code + " is not one of 0 to " + (BY_CODE.length - 1));
        }
        return BY_CODE[code];
    }
}
