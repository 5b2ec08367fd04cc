package io.ipcgateway.core;

/**
 * A setting is invalid. The message names the setting (and its system property when there is one), the
 * value given and which values are valid.
 */
public class ConfigurationException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with context as {@code key=value}, and what to do.
     */
    public ConfigurationException(final String message)
    {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, with context as {@code key=value}, and what to do.
     * @param cause   the underlying failure.
     */
    public ConfigurationException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
