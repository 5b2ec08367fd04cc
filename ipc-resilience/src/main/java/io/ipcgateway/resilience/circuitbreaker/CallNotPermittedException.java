package io.ipcgateway.resilience.circuitbreaker;

import io.ipcgateway.core.IpcException;

/**
 * Thrown by the throwing paths ({@link CircuitBreaker#acquirePermission()}, {@code execute*}) when the breaker
 * rejects a call. One instance per breaker, made in advance and without a stack trace, so a rejection allocates
 * nothing; the fast path is {@link CircuitBreaker#tryAcquirePermission()}, which returns false instead.
 */
public class CallNotPermittedException extends IpcException
{
    private static final long serialVersionUID = 1L;

    private final String circuitBreakerName;

    /**
     * Creates the breaker's exception.
     *
     * @param circuitBreakerName the breaker.
     */
    public CallNotPermittedException(final String circuitBreakerName)
    {
        super("circuitBreaker=" + circuitBreakerName + ": call not permitted (OPEN, FORCED_OPEN, or HALF_OPEN with "
            + "its trial calls taken): retry after the breaker's wait in OPEN or use a fallback");
        this.circuitBreakerName = circuitBreakerName;
    }

    /**
     * The breaker that rejected the call.
     *
     * @return its name.
     */
    public String circuitBreakerName()
    {
        return circuitBreakerName;
    }

    /**
     * No stack trace: the instance is shared and thrown often.
     *
     * @return this.
     */
    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
