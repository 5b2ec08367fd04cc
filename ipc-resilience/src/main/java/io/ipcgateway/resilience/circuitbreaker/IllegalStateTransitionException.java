package io.ipcgateway.resilience.circuitbreaker;

import io.ipcgateway.core.IpcException;

/**
 * A manual transition that Resilience4j does not allow either: CLOSED to HALF_OPEN, METRICS_ONLY to OPEN or to
 * HALF_OPEN.
 */
public class IllegalStateTransitionException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param name the breaker.
     * @param from its state.
     * @param to   the state asked for.
     */
    public IllegalStateTransitionException(final String name, final CircuitBreakerState from,
        final CircuitBreakerState to)
    {
        super("circuitBreaker=" + name + ": illegal transition from " + from + " to " + to
            + ": go through CLOSED (or OPEN) first");
    }
}
