package io.ipcgateway.examples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.metrics.SharedStateTable;
import io.ipcgateway.metrics.StatTable;
import io.ipcgateway.resilience.shared.SharedStateObserver;
import io.ipcgateway.shm.ChannelSnapshot;
import io.ipcgateway.shm.ShmConfiguration;
import io.ipcgateway.shm.ShmObserver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/ipc stat}: attaches to the channel files of running services and shows their counters. See
 * {@link StatOptions#SUMMARY}.
 */
@Command(name = StatOptions.COMMAND, description = StatOptions.SUMMARY, sortOptions = false)
public final class StatMain implements Callable<Integer>
{
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions.Dir dir;

    @Option(names = "--service", paramLabel = "NAME", converter = OptionValues.ServiceName.class,
        description = "show only this service (default: all)")
    private String service;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
        converter = OptionValues.Duration.class,
        description = "refresh interval, e.g. 500ms, 1s, 5s (default: ${DEFAULT-VALUE})")
    private long intervalNs;

    @Option(names = "--once", description = "print one snapshot and exit (for scripts)")
    private boolean once;

    @Option(names = "--shared", paramLabel = "DIR",
        description = "also show the shared circuit breakers and rate limiters in DIR (read-only)")
    private Path shared;

    @Mixin
    private CommonOptions.Help help;

    private StatMain(final PrintStream out)
    {
        this.out = out;
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
        return CommandRunner.run(new StatMain(out), args, out, err);
    }

    /**
     * The options as parsed, without running anything (for tests).
     *
     * @param args the command line.
     * @return the validated options.
     * @throws CommandLine.ParameterException when an option is invalid.
     */
    static StatOptions parse(final String... args)
    {
        final StatMain command = new StatMain(System.out);
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Override
    public Integer call() throws InterruptedException
    {
        return show(options(), out);
    }

    private StatOptions options()
    {
        return new StatOptions(dir.dir(), service, OptionValues.durationInRange(spec, "--interval", intervalNs,
            TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.HOURS.toNanos(1)), once, shared);
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
