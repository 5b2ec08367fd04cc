package io.ipcgateway.examples;

import java.io.PrintStream;

/**
 * {@code bin/ipc demo}: an echo server and a load client in two separate JVMs, one-way then request/response,
 * a table of the figures, and nothing left behind. See {@link DemoOptions#SUMMARY}.
 */
public final class DemoMain
{
    private DemoMain()
    {
    }

    /**
     * Runs the demo and exits with its {@link ExitCode}.
     *
     * @param args the command line; {@code --help} lists the options.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the demo without exiting the JVM.
     *
     * @param args the command line.
     * @param out  where the demo's narration, the children's output and the table go.
     * @param err  where errors go.
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return CommandRunner.run(DemoOptions.COMMAND, DemoOptions.SUMMARY, DemoOptions.OPTIONS, args, out, err,
            (commandLine) -> new Demo(DemoOptions.from(commandLine), out, err).run());
    }
}
