package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;

import java.nio.file.Path;

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

    /** What the command does, one paragraph for its help text. */
    public static final String SUMMARY = """
        Starts an echo server and a load client as two separate JVMs talking through shared memory, \
        runs one-way messages and then request/response for a few seconds each, prints a table of the \
        figures, and removes everything it created (also on Ctrl-C).""";
}
