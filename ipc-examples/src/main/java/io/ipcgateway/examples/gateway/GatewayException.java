package io.ipcgateway.examples.gateway;

import io.ipcgateway.core.IpcException;

/**
 * A gateway operation that did not succeed, with the {@link GatewayStatus} to switch on and the gateway's message.
 */
public class GatewayException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /** The outcome; never {@link GatewayStatus#OK}. */
    private final GatewayStatus status;

    /**
     * An exception with a status and a message.
     *
     * @param status  the outcome.
     * @param message what went wrong.
     */
    public GatewayException(final GatewayStatus status, final String message)
    {
        super("status=" + status + " " + message);
        this.status = status;
    }

    /**
     * An exception with a status, a message and a cause.
     *
     * @param status  the outcome.
     * @param message what went wrong.
     * @param cause   the underlying failure.
     */
    public GatewayException(final GatewayStatus status, final String message, final Throwable cause)
    {
        super("status=" + status + " " + message, cause);
        this.status = status;
    }

    /**
     * The outcome to switch on.
     *
     * @return the status.
     */
    public GatewayStatus status()
    {
        return status;
    }
}
