package io.ipcgateway.resilience.circuitbreaker;

/**
 * How the CLOSED window forgets: by count (the last N calls) or by time (the calls of the last N seconds, in one
 * bucket per second of the breaker's clock).
 */
public enum SlidingWindowType
{
    /** The last {@code slidingWindowSize} calls. */
    COUNT_BASED,

    /** The calls of the last {@code slidingWindowSize} seconds. */
    TIME_BASED
}
