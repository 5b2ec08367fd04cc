package io.ipcgateway.examples;

/**
 * Exit codes shared by the command line applications, so scripts can tell a bad command line from a failed run.
 */
public final class ExitCode
{
    /** The command did what it was asked and every message was accounted for. */
    public static final int OK = 0;

    /** The run failed: the service was missing, a message or response was lost, or a child process failed. */
    public static final int FAILED = 1;

    /** The command line was wrong: an unknown option, a missing value or a value out of range. */
    public static final int USAGE = 2;

    private ExitCode()
    {
    }
}
