package io.ipcgateway.examples;

import io.ipcgateway.core.IpcException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;

/**
 * Runs one command line application through picocli: parses its options, prints {@code --help}, and turns
 * failures into exit codes and one clear line each, keeping stack traces for bugs only.
 */
public final class CommandRunner
{
    private CommandRunner()
    {
    }

    /**
     * Parses the arguments into a picocli {@code @Command} object and runs it.
     * <ul>
     *     <li>{@code --help}: prints the help to {@code out}, exit {@link ExitCode#OK}.</li>
     *     <li>a bad command line (picocli's {@link CommandLine.ParameterException}, also when the command throws
     *     one while checking its values): the message naming the option, a pointer to {@code --help}, exit
     *     {@link ExitCode#USAGE}.</li>
     *     <li>{@link IpcException} or an I/O failure: the message (and its causes'), exit
     *     {@link ExitCode#FAILED}.</li>
     *     <li>anything else is a bug: the stack trace, exit {@link ExitCode#FAILED}.</li>
     * </ul>
     *
     * @param command the command: a picocli {@code @Command} that is a {@link java.util.concurrent.Callable} of
     *                its exit code (or a {@link Runnable}); its name, e.g. {@code "ipc client"}, starts every
     *                error line.
     * @param args    the arguments.
     * @param out     where help goes.
     * @param err     where errors go.
     * @return the exit code.
     */
    public static int run(final Object command, final String[] args, final PrintStream out, final PrintStream err)
    {
        return commandLine(command, out, err).execute(args);
    }

    /**
     * The picocli command line {@link #run} executes, for tests and for callers that add subcommands.
     *
     * @param command the {@code @Command} object.
     * @param out     where help goes.
     * @param err     where errors go.
     * @return the configured command line.
     */
    public static CommandLine commandLine(final Object command, final PrintStream out, final PrintStream err)
    {
        final CommandLine commandLine = new CommandLine(command)
            .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
            .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
            .setParameterExceptionHandler(CommandRunner::usageError)
            .setExecutionExceptionHandler((ex, cmd, parseResult) -> failure(ex, cmd));
        commandLine.getCommandSpec().exitCodeOnInvalidInput(ExitCode.USAGE);
        // One layout for every command: usage line, a blank line, the summary, a blank line, the options.
        commandLine.getCommandSpec().usageMessage().descriptionHeading("%n").optionListHeading("%nOptions:%n");
        return commandLine;
    }

    private static int usageError(final CommandLine.ParameterException ex, final String[] args)
    {
        final CommandLine cmd = ex.getCommandLine();
        final PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandName() + ": " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Run '" + cmd.getCommandName() + " --help' to see the options.");
        err.flush();
        return ExitCode.USAGE;
    }

    private static int failure(final Exception ex, final CommandLine cmd)
    {
        final PrintWriter err = cmd.getErr();
        if (ex instanceof IpcException || ex instanceof UncheckedIOException || ex instanceof IOException)
        {
            err.println(cmd.getCommandName() + ": " + describe(ex));
        }
        else if (ex instanceof InterruptedException)
        {
            Thread.currentThread().interrupt();
            err.println(cmd.getCommandName() + ": interrupted");
        }
        else
        {
            err.println(cmd.getCommandName() + ": unexpected failure, please report it with this trace:");
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCode.FAILED;
    }

    /**
     * A one-line description of a failure and its causes, without stack traces.
     *
     * @param failure the failure.
     * @return its message followed by each distinct cause's message.
     */
    public static String describe(final Throwable failure)
    {
        final StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        Throwable cause = failure.getCause();
        while (cause != null && cause != failure)
        {
            final String message = cause.getMessage();
            if (message != null && text.indexOf(message) < 0)
            {
                text.append(" (caused by ").append(cause.getClass().getSimpleName()).append(": ")
                    .append(message).append(')');
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return text.toString();
    }
}
