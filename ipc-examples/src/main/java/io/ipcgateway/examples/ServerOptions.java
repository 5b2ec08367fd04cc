package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.shm.ShmConfiguration;

import java.nio.file.Path;
import java.util.List;

/**
 * The validated options of {@code ipc server}.
 *
 * @param service the service name clients connect to.
 * @param dir     the base folder holding service folders, or {@code null} for the transport's default.
 * @param idle        how the server's duty cycle waits when no message arrives.
 * @param metricsPort the loopback port serving /metrics and /health, 0 for any free port, or
 *                    {@link #NO_METRICS} for no endpoint.
 */
public record ServerOptions(String service, Path dir, IdleMode idle, int metricsPort)
{
    /** The value of {@link #metricsPort()} when no metrics endpoint was asked for. */
    public static final int NO_METRICS = -1;

    /** The command as the user types it. */
    public static final String COMMAND = "ipc server";

    /** What the command does, for its help text. */
    public static final String SUMMARY = """
        Runs an echo service: answers every request with the same bytes and counts one-way messages.
        Prints a line containing READY when clients can connect, and runs until SIGINT or SIGTERM
        (Ctrl-C), then removes the files it created.""";

    /** The options the command accepts. */
    public static final List<Option> OPTIONS = List.of(
        Option.valued("service", "NAME", "the service name clients connect to (required)"),
        Option.valued("dir", "DIR", "the base folder for service files (default: the transport's, under /dev/shm)"),
        Option.valued("idle", "spin|block", "how to wait for messages: spin burns a core, block sleeps;"
            + " also yield, backoff (default: block)"),
        Option.valued("metrics-port", "PORT", "serve Prometheus /metrics and JSON /health on 127.0.0.1:PORT;"
            + " 0 picks a free port (default: no endpoint)"));

    /**
     * Reads and validates the options from a parsed command line.
     *
     * @param commandLine the parsed command line.
     * @return the options.
     * @throws UsageException when an option is missing or invalid.
     */
    public static ServerOptions from(final CommandLine commandLine)
    {
        return new ServerOptions(
            commandLine.requiredString("service", ShmConfiguration::validateServiceName),
            commandLine.path("dir"),
            commandLine.choice("idle", IdleMode.class, IdleMode.BLOCK),
            commandLine.intInRange("metrics-port", NO_METRICS, 0, 65535));
    }
}
