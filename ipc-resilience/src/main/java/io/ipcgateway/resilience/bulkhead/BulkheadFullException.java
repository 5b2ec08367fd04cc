package io.ipcgateway.resilience.bulkhead;

import io.ipcgateway.core.IpcException;

/**
 * Thrown by a decorated call when its bulkhead has no free slot within the wait. Each bulkhead throws one
 * preallocated instance without a stack trace, so a refusal allocates nothing; the message names the bulkhead.
 */
public final class BulkheadFullException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a bulkhead.
     *
     * @param bulkheadName       the bulkhead's name.
     * @param maxConcurrentCalls its limit.
     */
    public BulkheadFullException(final String bulkheadName, final int maxConcurrentCalls)
    {
        super("bulkhead is full: bulkhead=" + bulkheadName + ", maxConcurrentCalls=" + maxConcurrentCalls +
            ", call later or raise maxConcurrentCalls/maxWaitDuration");
    }

    /**
     * No stack trace: the instance is shared by every refusal of its bulkhead.
     *
     * @return this exception.
     */
    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
