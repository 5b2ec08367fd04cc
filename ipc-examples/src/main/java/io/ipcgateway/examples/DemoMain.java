package io.ipcgateway.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/ipc demo}: an echo server and a load client in two separate JVMs, one-way then request/response,
 * a table of the figures, and nothing left behind. See {@link DemoOptions#SUMMARY}.
 */
@Command(name = DemoOptions.COMMAND, description = DemoOptions.SUMMARY, sortOptions = false)
public final class DemoMain implements Callable<Integer>
{
    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "where to create the demo's working folder"
        + " (default: /dev/shm, or the temp folder when absent)")
    private Path dir;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "2", converter = OptionValues.Size.class,
        description = "client threads in each run, 1 to 64 (default: ${DEFAULT-VALUE})")
    private long clients;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64", converter = OptionValues.Size.class,
        description = "payload bytes per message, 1 to 64k (default: ${DEFAULT-VALUE})")
    private long size;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "3s", converter = OptionValues.Duration.class,
        description = "length of each run, 1s to 60s (default: ${DEFAULT-VALUE})")
    private long durationNanos;

    @Option(names = "--idle", paramLabel = "spin|block", defaultValue = "block", converter = OptionValues.Idle.class,
        description = "how server and client wait, also yield, backoff (default: ${DEFAULT-VALUE})")
    private IdleMode idle;

    @Mixin
    private CommonOptions.Help help;

    private DemoMain(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
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
        return CommandRunner.run(new DemoMain(out, err), args, out, err);
    }

    /**
     * The options as parsed, without running anything (for tests).
     *
     * @param args the command line.
     * @return the validated options.
     * @throws CommandLine.ParameterException when an option is invalid.
     */
    static DemoOptions parse(final String... args)
    {
        final DemoMain command = new DemoMain(System.out, System.err);
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        return new Demo(options(), out, err).run();
    }

    private DemoOptions options()
    {
        Path folder = dir;
        if (folder == null)
        {
            folder = Files.isDirectory(DemoOptions.DEFAULT_DIR) ? DemoOptions.DEFAULT_DIR :
                Path.of(System.getProperty("java.io.tmpdir"));
        }
        else if (!Files.isDirectory(folder))
        {
            throw OptionValues.invalid(spec, "--dir", "must name an existing folder, but '" + folder
                + "' is not one");
        }
        return new DemoOptions(
            folder,
            (int)OptionValues.inRange(spec, "--clients", clients, 1, 64),
            (int)OptionValues.inRange(spec, "--size", size, 1, 64 * 1024),
            OptionValues.durationInRange(spec, "--duration", durationNanos, TimeUnit.SECONDS.toNanos(1),
                TimeUnit.SECONDS.toNanos(60)),
            idle);
    }
}
