package io.ipcgateway.core;

/**
 * The server answered a call with an error status instead of a value (for instance "unknown symbol"). The status
 * and the server's message are the server's; transport failures (time-out, dead peer, back pressure) are reported by
 * {@link RequestTimeoutException}, {@link PeerDeadException} and {@link IpcException} instead.
 */
public class CallException extends IpcException
{
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the exception.
     *
     * @param message what was called and the server's message.
     * @param status  the application's error status, never 0.
     */
    public CallException(final String message, final int status)
    {
        super(message);
        this.status = status;
    }

    /**
     * The error status the server answered with.
     *
     * @return the application-defined status, never 0.
     */
    public int status()
    {
        return status;
    }
}
