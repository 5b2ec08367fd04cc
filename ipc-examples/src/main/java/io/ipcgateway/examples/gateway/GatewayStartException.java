package io.ipcgateway.examples.gateway;

import io.ipcgateway.core.IpcException;

/**
 * The gateway could not start for a reason outside its configuration file's syntax: NATS unreachable, the service's
 * folder taken by a running gateway, a TLS store that does not open.
 */
public class GatewayStartException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message naming what failed.
     *
     * @param message what failed, with {@code key=value} context.
     * @param cause   the underlying failure.
     */
    public GatewayStartException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
