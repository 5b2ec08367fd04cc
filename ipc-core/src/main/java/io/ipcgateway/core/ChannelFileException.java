package io.ipcgateway.core;

import java.nio.file.Path;

/**
 * A channel file could not be created, opened or validated (wrong magic, layout version or size, foreign owner,
 * a link). The message and {@link #file()} name the file.
 */
public class ChannelFileException extends IpcException
{
    private static final long serialVersionUID = 1L;

    private final String file;

    /**
     * Creates the exception.
     *
     * @param file    the file involved.
     * @param message what went wrong (with {@code key=value} context) and what to do; the file is prepended.
     */
    public ChannelFileException(final Path file, final String message)
    {
        super("file=" + file + ": " + message);
        this.file = String.valueOf(file);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param file    the file involved.
     * @param message what went wrong (with {@code key=value} context) and what to do; the file is prepended.
     * @param cause   the underlying failure.
     */
    public ChannelFileException(final Path file, final String message, final Throwable cause)
    {
        super("file=" + file + ": " + message, cause);
        this.file = String.valueOf(file);
    }

    /**
     * The file involved.
     *
     * @return its path as text.
     */
    public String file()
    {
        return file;
    }
}
