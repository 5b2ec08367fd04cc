package io.ipcgateway.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.shm.ShmConfiguration;

/**
 * The validated options of {@code ipc stat}.
 *
 * @param dir        the base folder holding service folders, or {@code null} for the transport's default.
 * @param service    the one service to show, or {@code null} for all.
 * @param intervalNs the refresh interval in nanoseconds.
 * @param once       print one snapshot and exit.
 * @param shared     a folder of shared circuit breakers and rate limiters to show too, or {@code null}.
 */
public record StatOptions(Path dir, String service, long intervalNs, boolean once, Path shared)
{
    /** The command as the user types it. */
    public static final String COMMAND = "ipc stat";

    /** What the command does, for its help text. */
    public static final String SUMMARY = """
        Shows the shared-memory counters of running services without their cooperation, as a table refreshed
        every interval: per channel its owner pid, liveness, heartbeat age, ring fill, message rates, totals,
        back pressure, errors and notifier activity. Stop with Ctrl-C; --once prints one table and exits.""";

    /** The options the command accepts. */
    public static final List<Option> OPTIONS = List.of(
        Option.valued("dir", "DIR", "the base folder of service files (default: the transport's, under /dev/shm)"),
        Option.valued("service", "NAME", "show only this service (default: all)"),
        Option.valued("interval", "DURATION", "refresh interval, e.g. 500ms, 1s, 5s (default: 1s)"),
        Option.flag("once", "print one snapshot and exit (for scripts)"),
        Option.valued("shared", "DIR", "also show the shared circuit breakers and rate limiters in DIR (read-only)"));

    /**
     * Reads and validates the options from a parsed command line.
     *
     * @param commandLine the parsed command line.
     * @return the options.
     * @throws UsageException when an option is invalid.
     */
    public static StatOptions from(final CommandLine commandLine)
    {
        return new StatOptions(
            commandLine.path("dir"),
            commandLine.has("service") ? commandLine.requiredString("service", ShmConfiguration::validateServiceName)
                : null,
            commandLine.durationNanos("interval", TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(100),
                TimeUnit.HOURS.toNanos(1)),
            commandLine.has("once"),
            commandLine.path("shared"));
    }
}
