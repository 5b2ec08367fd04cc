package io.ipcgateway.core;

/**
 * A blocking request got no response within its timeout. The message names the service, the correlation id
 * and the timeout; raise the timeout or check that the server is keeping up.
 */
public class RequestTimeoutException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with context as {@code key=value}, and what to do.
     */
    public RequestTimeoutException(final String message)
    {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, with context as {@code key=value}, and what to do.
     * @param cause   the underlying failure.
     */
    public RequestTimeoutException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
