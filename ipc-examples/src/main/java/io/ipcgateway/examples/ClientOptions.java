package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;

import java.nio.file.Path;

/**
 * The validated options of {@code ipc client}.
 *
 * @param service       the service name to connect to.
 * @param dir           the base folder holding service folders, or {@code null} for the transport's default.
 * @param clients       how many client threads share the connection.
 * @param messages      how many messages all threads send together, or 0 when running for a duration.
 * @param durationNanos how long to run when {@code messages} is 0, in nanoseconds.
 * @param size          the payload size of each message, in bytes.
 * @param mode          one-way or request/response.
 * @param idle          how a thread waits for a response or for back pressure to clear.
 * @param timeoutNanos  how long a response or a full ring may hold a thread before the run fails.
 * @param json          where to write the figures as JSON, or {@code null}.
 */
public record ClientOptions(
    String service,
    Path dir,
    int clients,
    long messages,
    long durationNanos,
    int size,
    LoadMode mode,
    IdleMode idle,
    long timeoutNanos,
    Path json)
{
    /** The command as the user types it. */
    public static final String COMMAND = "ipc client";

    /** The most client threads one run may start. */
    public static final int MAX_CLIENTS = 512;

    /** The messages sent when neither --messages nor --duration is given. */
    public static final long DEFAULT_MESSAGES = 100_000;

    /** The largest payload the client sends; the server echoes it back whole. */
    public static final int MAX_SIZE = 1024 * 1024;

    /** What the command does, one paragraph for its help text. */
    public static final String SUMMARY = """
        Loads an echo service (see ipc server) from N threads sharing one connection and prints throughput, \
        latency percentiles (p50/p90/p99/p99.9/max in microseconds: the time to offer for oneway, the round \
        trip for rr) and, with several clients, fairness (slowest client's completions / median client's). \
        Exits with 1 if any message or response is missing; oneway asks the server how many it received.""";

    /**
     * Whether the run is bounded by time rather than by a message count.
     *
     * @return {@code true} when --duration was given.
     */
    public boolean timed()
    {
        return messages == 0;
    }
}
