package io.ipcgateway.examples;

/**
 * A user gave the command line arguments it cannot run with. The message names the option and the valid
 * values; the commands print it without a stack trace and exit with {@link ExitCode#USAGE}.
 */
public final class UsageException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which option is wrong and what it accepts.
     */
    public UsageException(final String message)
    {
        super(message);
    }
}
