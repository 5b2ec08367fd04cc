package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The validated options of {@code ipc demo}.
 *
 * @param dir           the folder in which the demo creates its own working folder.
 * @param clients       client threads in each run.
 * @param size          payload bytes per message.
 * @param durationNanos how long each run lasts, in nanoseconds.
 * @param idle          how the server and the client wait.
 */
public record DemoOptions(Path dir, int clients, int size, long durationNanos, IdleMode idle)
{
    /** The command as the user types it. */
    public static final String COMMAND = "ipc demo";

    /** Where the demo works unless told otherwise: shared memory, as a real deployment would. */
    public static final Path DEFAULT_DIR = Path.of("/dev/shm");

    /** What the command does, for its help text. */
    public static final String SUMMARY = """
        Starts an echo server and a load client as two separate JVMs talking through shared memory,
        runs one-way messages and then request/response for a few seconds each, prints a table of the
        figures, and removes everything it created (also on Ctrl-C).""";

    /** The options the command accepts. */
    public static final List<Option> OPTIONS = List.of(
        Option.valued("dir", "DIR", "where to create the demo's working folder (default: /dev/shm,"
            + " or the temp folder when absent)"),
        Option.valued("clients", "N", "client threads in each run, 1 to 64 (default: 2)"),
        Option.valued("size", "BYTES", "payload bytes per message, 1 to 64k (default: 64)"),
        Option.valued("duration", "TIME", "length of each run, 1s to 60s (default: 3s)"),
        Option.valued("idle", "spin|block", "how server and client wait, also yield, backoff (default: block)"));

    /**
     * Reads and validates the options from a parsed command line.
     *
     * @param commandLine the parsed command line.
     * @return the options.
     * @throws UsageException when an option is invalid.
     */
    public static DemoOptions from(final CommandLine commandLine)
    {
        Path dir = commandLine.path("dir");
        if (dir == null)
        {
            dir = Files.isDirectory(DEFAULT_DIR) ? DEFAULT_DIR : Path.of(System.getProperty("java.io.tmpdir"));
        }
        else if (!Files.isDirectory(dir))
        {
            throw new UsageException(COMMAND + ": option --dir must name an existing folder, but '" + dir
                + "' is not one");
        }
        return new DemoOptions(
            dir,
            commandLine.intInRange("clients", 2, 1, 64),
            commandLine.intInRange("size", 64, 1, 64 * 1024),
            commandLine.durationNanos(
                "duration", TimeUnit.SECONDS.toNanos(3), TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(60)),
            commandLine.choice("idle", IdleMode.class, IdleMode.BLOCK));
    }
}
