package io.ipcgateway.examples.audit;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import io.ipcgateway.examples.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/ipc audit}: reads an audit log from the command line. {@code dump} prints records, {@code tail} follows
 * the log as it grows, {@code verify} checks every CRC and the hash chain and exits non-zero naming the first break,
 * {@code stats} prints segments, records, bytes and the time range. Parsing is picocli's; {@code --json} output is
 * Jackson's.
 * <p>
 * Exit codes: 0 fine, 1 the log is damaged or could not be read, 2 bad usage.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, version = "ipc audit 0.1.0",
    description = "Read an audit log: dump, tail, verify or stats DIR.",
    subcommands = {DumpCommand.class, TailCommand.class, VerifyCommand.class, StatsCommand.class})
public final class AuditMain implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command and exits with its code.
     *
     * @param args the command line; {@code --help} lists the commands.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command.
     *
     * @param args the command line.
     * @param out  where results go.
     * @param err  where errors and usage go.
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final CommandLine commandLine = new CommandLine(new AuditMain())
            .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
            .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
            .setExecutionExceptionHandler((ex, cmd, parseResult) ->
            {
                cmd.getErr().println("ipc audit " + cmd.getCommandName() + ": " + describe(ex));
                return ExitCode.FAILED;
            });
        commandLine.getCommandSpec().exitCodeOnInvalidInput(ExitCode.USAGE);
        commandLine.getSubcommands().values()
            .forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(ExitCode.USAGE));
        return commandLine.execute(args);
    }

    private static String describe(final Exception ex)
    {
        return ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    /** Without a subcommand: bad usage. */
    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: dump, tail, verify or stats");
    }
}
