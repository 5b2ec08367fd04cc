package io.ipcgateway.examples;

import java.nio.file.Path;

/**
 * The validated options of {@code ipc stat}.
 *
 * @param dir        the base folder holding service folders, or {@code null} for the transport's default.
 * @param service    the one service to show, or {@code null} for all.
 * @param intervalNs the refresh interval in nanoseconds.
 * @param once       print one snapshot and exit.
 */
public record StatOptions(Path dir, String service, long intervalNs, boolean once)
{
    /** The command as the user types it. */
    public static final String COMMAND = "ipc stat";

    /** What the command does, one paragraph for its help text. */
    public static final String SUMMARY = """
        Shows the shared-memory counters of running services without their cooperation, as a table refreshed \
        every interval: per channel its owner pid, liveness, heartbeat age, ring fill, message rates, totals, \
        back pressure, errors and notifier activity. Stop with Ctrl-C; --once prints one table and exits.""";
}
