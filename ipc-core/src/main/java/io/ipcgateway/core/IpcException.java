package io.ipcgateway.core;

/**
 * Root of every exception IPC Gateway throws.
 * <p>
 * Messages name the channel, file or setting involved (as {@code key=value} pairs) and say what to do.
 * Expected outcomes on the hot path (back pressure, not connected, closed) are return codes, never
 * exceptions.
 */
public class IpcException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that says what went wrong and what to do.
     *
     * @param message what went wrong, with context as {@code key=value}, and what to do.
     */
    public IpcException(final String message)
    {
        super(message);
    }

    /**
     * Creates an exception with a message and the underlying cause.
     *
     * @param message what went wrong, with context as {@code key=value}, and what to do.
     * @param cause   the underlying failure.
     */
    public IpcException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
