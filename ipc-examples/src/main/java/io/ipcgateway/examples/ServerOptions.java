package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;

import java.nio.file.Path;

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

    /** What the command does, one paragraph for its help text. */
    public static final String SUMMARY = """
        Runs an echo service: answers every request with the same bytes and counts one-way messages. \
        Prints a line containing READY when clients can connect, and runs until SIGINT or SIGTERM \
        (Ctrl-C), then removes the files it created.""";
}
