package io.ipcgateway.core;

/**
 * The JVM was started without a flag IPC Gateway needs, such as the {@code --add-opens} that Agrona 2.x
 * requires. The message names the exact flag and where to put it.
 */
public class JvmAccessException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the missing flag and where to add it.
     * @param cause   the access failure that revealed it.
     */
    public JvmAccessException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
