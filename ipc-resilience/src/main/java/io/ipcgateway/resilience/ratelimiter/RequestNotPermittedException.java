package io.ipcgateway.resilience.ratelimiter;

import io.ipcgateway.core.IpcException;

/**
 * Thrown by a decorated call when its rate limiter gives no permit within the timeout. Each limiter throws one
 * preallocated instance without a stack trace, so a refusal allocates nothing; the message names the limiter.
 */
public final class RequestNotPermittedException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a limiter.
     *
     * @param limiterName the limiter's name.
     */
    public RequestNotPermittedException(final String limiterName)
    {
        super("rate limiter gave no permit within its timeout: rateLimiter=" + limiterName +
            ", call later or raise limitForPeriod/timeoutDuration");
    }

    /**
     * No stack trace: the instance is shared by every refusal of its limiter.
     *
     * @return this exception.
     */
    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
