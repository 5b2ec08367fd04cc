package io.ipcgateway.core;

/**
 * The process on the other side of a channel died or stopped writing its heartbeat; requests in flight
 * to it failed. The message names the service and peer.
 */
public class PeerDeadException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with context as {@code key=value}, and what to do.
     */
    public PeerDeadException(final String message)
    {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, with context as {@code key=value}, and what to do.
     * @param cause   the underlying failure.
     */
    public PeerDeadException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
