package io.ipcgateway.resilience.retry;

import io.ipcgateway.core.IpcException;

/**
 * Thrown when every attempt returned a result the retry's result predicate rejects and the retry is configured to
 * fail then ({@code failAfterMaxAttempts}).
 */
public final class MaxRetriesExceededException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param retryName   the retry's name.
     * @param maxAttempts the attempts made.
     */
    public MaxRetriesExceededException(final String retryName, final int maxAttempts)
    {
        super("every attempt returned a result to retry: retry=" + retryName + ", maxAttempts=" + maxAttempts +
            ", check the downstream or raise maxAttempts");
    }
}
