package io.ipcgateway.examples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.metrics.SharedStateTable;
import io.ipcgateway.metrics.StatTable;
import io.ipcgateway.resilience.shared.SharedStateObserver;
import io.ipcgateway.shm.ChannelSnapshot;
import io.ipcgateway.shm.ShmConfiguration;
import io.ipcgateway.shm.ShmObserver;

/**
 * {@code bin/ipc stat}: attaches to the channel files of running services and shows their counters. See
 * {@link StatOptions#SUMMARY}.
 */
public final class StatMain
{
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    private StatMain()
    {
    }

    /**
     * Runs the command.
     *
     * @param args the command line; {@code --help} lists the options.
     */
    public static void main(final String[] args)
    {
        final int code = run(args, System.out, System.err);
        if (code != ExitCode.OK)
        {
            System.exit(code);
        }
    }

    /**
     * Runs the command until interrupted, or once with {@code --once}.
     *
     * @param args the command line.
     * @param out  where the table goes.
     * @param err  where errors go.
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return CommandRunner.run(StatOptions.COMMAND, StatOptions.SUMMARY, StatOptions.OPTIONS, args, out, err,
            (commandLine) -> show(StatOptions.from(commandLine), out));
    }

    private static int show(final StatOptions options, final PrintStream out) throws InterruptedException
    {
        final Path dir = options.dir() != null ? options.dir() : ShmConfiguration.defaultBaseDirectory();
        final ShmObserver observer = new ShmObserver(dir, options.service());
        final StatTable table = new StatTable();
        final SharedStateObserver shared = options.shared() == null ? null : new SharedStateObserver(options.shared());
        final boolean refreshScreen = !options.once() && System.console() != null;
        while (true)
        {
            final List<ChannelSnapshot> snapshots = observer.snapshot();
            final String text = table.render(snapshots, observer.problems(), System.nanoTime());
            if (refreshScreen)
            {
                out.print(CLEAR_SCREEN);
            }
            out.print("ipc stat: " + dir + (options.service() == null ? "" : " service=" + options.service()) + "\n");
            out.print(text);
            if (shared != null)
            {
                out.print(SharedStateTable.render(shared));
            }
            out.flush();
            if (options.once())
            {
                return ExitCode.OK;
            }
            TimeUnit.NANOSECONDS.sleep(options.intervalNs());
        }
    }
}
