package io.ipcgateway.examples;

import io.ipcgateway.core.IpcException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Runs one command line application: parses its options, prints help, and turns failures into exit codes
 * and one clear line each, keeping stack traces for bugs only.
 */
public final class CommandRunner
{
    /**
     * The work of a command once its command line parsed.
     */
    @FunctionalInterface
    public interface Body
    {
        /**
         * Runs the command.
         *
         * @param commandLine the parsed command line.
         * @return the exit code, one of {@link ExitCode}'s.
         * @throws Exception when the command fails; see {@link CommandRunner#run} for how each kind is reported.
         */
        int run(CommandLine commandLine) throws Exception;
    }

    private CommandRunner()
    {
    }

    /**
     * Parses the arguments and runs the body.
     * <ul>
     *     <li>{@code --help}: prints the help to {@code out}, exit {@link ExitCode#OK}.</li>
     *     <li>{@link UsageException}: the message and a pointer to {@code --help}, exit {@link ExitCode#USAGE}.</li>
     *     <li>{@link IpcException} or an I/O failure: the message (and its causes'), exit
     *     {@link ExitCode#FAILED}.</li>
     *     <li>anything else is a bug: the stack trace, exit {@link ExitCode#FAILED}.</li>
     * </ul>
     *
     * @param command the command as typed, e.g. {@code "ipc client"}.
     * @param summary what the command does, for the help text.
     * @param options the options it accepts.
     * @param args    the arguments.
     * @param out     where help goes.
     * @param err     where errors go.
     * @param body    the work.
     * @return the exit code.
     */
    public static int run(
        final String command,
        final String summary,
        final List<Option> options,
        final String[] args,
        final PrintStream out,
        final PrintStream err,
        final Body body)
    {
        try
        {
            final CommandLine commandLine = CommandLine.parse(command, options, args);
            if (commandLine.has(Option.HELP.name()))
            {
                out.print(commandLine.help(summary));
                return ExitCode.OK;
            }
            return body.run(commandLine);
        }
        catch (final UsageException ex)
        {
            err.println(ex.getMessage());
            err.println("Run '" + command + " --help' to see the options.");
            return ExitCode.USAGE;
        }
        catch (final IpcException | UncheckedIOException | IOException ex)
        {
            err.println(command + ": " + describe(ex));
            return ExitCode.FAILED;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            err.println(command + ": interrupted");
            return ExitCode.FAILED;
        }
        catch (final Exception ex)
        {
            err.println(command + ": unexpected failure, please report it with this trace:");
            ex.printStackTrace(err);
            return ExitCode.FAILED;
        }
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
